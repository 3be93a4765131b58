/**
 * System tools the stack needs (java, mvn, python3 with venv). On the machines
 * we target they are present; when one is missing and we are root on Debian,
 * it is installed with apt (after one `apt-get update`), otherwise the error
 * says what to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { PDF_FONT_PACKAGE, pdfFontCandidates } from '@minqing/shared';
import { fail, say } from './log';
import { isRoot } from './paths';

let aptUpdated = false;

function works(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export function ensureTool(component: string, check: { cmd: string; args: string[]; name?: string }, aptPackages: string[], purpose: string): void {
  if (works(check.cmd, check.args)) return;
  const what = check.name ?? check.cmd;
  if (isRoot && works('apt-get', ['--version'])) {
    say(component, `${what} is missing; installing ${aptPackages.join(' ')} with apt-get`);
    try {
      if (!aptUpdated) {
        execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
        aptUpdated = true;
      }
      execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...aptPackages], {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (err) {
      fail(component, `apt-get install ${aptPackages.join(' ')} failed: ${(err as Error).message}`);
    }
    if (works(check.cmd, check.args)) return;
  }
  fail(component, `${what} is needed to ${purpose}. Install it (Debian: apt-get install -y ${aptPackages.join(' ')}) or point minqing at an existing engine (see README).`);
}

/**
 * A CJK font for the evaluation sheet's PDF (shared/src/pdf-fonts.ts): installed with apt when
 * none is there and we are root; otherwise a warning, and the PDF export answers 503 saying so.
 */
export function ensurePdfFont(): void {
  const files = pdfFontCandidates().map((f) => f.file);
  const check = { cmd: 'sh', args: ['-c', files.map((f) => `test -f '${f.replace(/'/g, '')}'`).join(' || ')], name: 'a Chinese font for PDF exports' };
  try {
    ensureTool('reporting', check, [PDF_FONT_PACKAGE], 'write the evaluation sheet as PDF');
  } catch (err) {
    say('reporting', `${(err as Error).message} — everything else works; the PDF export answers 503 until one is installed`);
  }
}
