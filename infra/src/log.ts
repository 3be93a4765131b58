/** Progress lines for long steps: what is happening, to which component, and how far along. */
const started = Date.now();

export function say(component: string, message: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`${t}s [${component}] ${message}\n`);
}

export function fail(component: string, message: string): never {
  throw new StackError(`[${component}] ${message}`);
}

export class StackError extends Error {
  override name = 'StackError';
}
