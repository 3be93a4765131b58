/**
 * Status lists and moves are defined once, in shared/src/domain/lifecycle/.
 * This scans the source for hand-written copies that once drifted: a status
 * compared by literal in code or SQL, or a list of two or more status literals.
 * Migrations (they create the columns) and tests are exempt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, MOVE_NAMES } from '@minqing/shared';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIRS = ['shared/src', 'workflows/src', 'services', 'web/src', 'infra/src', 'bench'];
const EXEMPT = [/\/lifecycle\//, /\.test\.tsx?$/, /\/migrations\//, /node_modules/, /\/dist\//];

function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (EXEMPT.some((re) => re.test(full))) continue;
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|tsx|sql)$/.test(e.name)) out.push(full);
    }
  };
  for (const d of DIRS) walk(path.join(root, d));
  return out;
}

const S = CASE_STATUSES.join('|');
/** `status = 'closed'`, `status === 'in_progress'`, `status IN ('…'`, `.status !== 'merged'` … */
const COMPARED = new RegExp(`status\\s*(?:===?|!==?|<>|\\bIN\\s*\\(|\\bNOT\\s+IN\\s*\\()\\s*'(?:${S})'`, 'i');
/** two status literals in one list: `'closed', 'withdrawn'` or `'closed','withdrawn'` */
const LISTED = new RegExp(`'(?:${S})'\\s*,\\s*'(?:${S})'`);

describe('one definition of the lifecycle', () => {
  it('no status list or status comparison by literal outside the lifecycle module and migrations', () => {
    const found: string[] = [];
    for (const file of sources()) {
      fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (COMPARED.test(line) || LISTED.test(line)) found.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('no list of the moves outside the lifecycle module', () => {
    // Three or more move names quoted in one file is a copy of the table.
    const found: string[] = [];
    for (const file of sources()) {
      const text = fs.readFileSync(file, 'utf8');
      const named = MOVE_NAMES.filter((n) => new RegExp(`['"\`]${n}['"\`]`).test(text));
      if (named.length >= 3) found.push(`${path.relative(root, file)}: ${named.join(', ')}`);
    }
    expect(found).toEqual([]);
  });
});
