/**
 * One owner per schema, read from the source: each service migrates exactly
 * one schema, from its own migrations/ folder; no service writes a schema it
 * does not own; the casework outbox has one writer. A static check (no
 * database): it fails when a second migrator or a stray INSERT comes back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        out.push({ file: path.relative(repoRoot, full), text: fs.readFileSync(full, 'utf8') });
      }
    }
  };
  walk(path.join(repoRoot, dir));
  return out;
}

const OWNERS = { 'case-worker': 'casework', 'case-api': 'directory', reporting: 'reporting' } as const;
const WRITE = (schema: string) => new RegExp(`\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|TRUNCATE)\\s+(?:[\\w.,\\s]*\\b)?${schema}\\.`, 'i');

describe('schema ownership', () => {
  it.each(Object.entries(OWNERS))('%s runs migrations once, for its own schema, from its own folder', (service, schema) => {
    const calls = sources(`services/${service}/src`).flatMap(({ file, text }) => [...text.matchAll(/\bmigrate\(\{/g)].map(() => file));
    expect(calls, `${service} calls migrate() once`).toHaveLength(1);
    const migrations = path.join(repoRoot, 'services', service, 'migrations');
    const files = fs.readdirSync(migrations).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(0);
    // The first migration creates the owner's tables; its header comment names the schema.
    expect(fs.readFileSync(path.join(migrations, files.sort()[0]!), 'utf8').split('\n')[0]).toContain(`"${schema}"`);
  });

  it('no migrations are left in shared/', () => {
    expect(fs.existsSync(path.join(repoRoot, 'shared/migrations'))).toBe(false);
    expect(sources('shared/src').filter(({ text }) => /\bmigrate\(\{/.test(text))).toEqual([]);
  });

  it.each(Object.entries(OWNERS))('%s writes no other service\'s schema', (service, own) => {
    const others = Object.values(OWNERS).filter((s) => s !== own);
    const strays = sources(`services/${service}/src`).flatMap(({ file, text }) => others.filter((schema) => WRITE(schema).test(text)).map((schema) => `${file} writes ${schema}`));
    expect(strays).toEqual([]);
  });

  it('the casework outbox has one writer, and events are built in that module only', () => {
    const all = [...sources('services'), ...sources('shared/src'), ...sources('workflows/src')];
    expect(all.filter(({ text }) => /INSERT\s+INTO\s+casework\.outbox/i.test(text)).map((s) => s.file)).toEqual(['services/case-worker/src/casework/outbox.ts']);
    expect(all.filter(({ text }) => /\bbuildEvent\(/.test(text)).map((s) => s.file)).toEqual(['services/case-worker/src/casework/outbox.ts']);
  });
});
