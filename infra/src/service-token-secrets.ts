/**
 * The shared secrets of the service tokens the case API signs for reporting
 * (`SERVICE_TOKEN_SECRETS`, read by both; see shared/src/service-token.ts). A
 * `SERVICE_TOKEN_SECRETS` in the environment is used as given; otherwise one
 * secret (32 random bytes) is generated on first start and kept in
 * `<data dir>/secrets/service-token-secrets` (mode 0600, one secret a line),
 * so a restart — or a service started by hand from the same file — agrees.
 *
 * Rotation by hand: put a new line first in that file (`openssl rand -base64 32`
 * or any 32+ characters without commas or spaces), restart; once every service
 * runs with the new list, delete the old line and restart again. Tokens live 60
 * seconds, so nothing signed with the old secret outlives the first restart.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { say } from './log';

export const SERVICE_TOKEN_SECRETS_FILE = path.join('secrets', 'service-token-secrets');

/** A new secret: 32 random bytes, base64url (43 characters). */
export function generateServiceTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SERVICE_TOKEN_SECRETS for the services of the stack kept in `dataDir`. */
export function serviceTokenSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.SERVICE_TOKEN_SECRETS) return env.SERVICE_TOKEN_SECRETS;
  const file = path.join(dataDir, SERVICE_TOKEN_SECRETS_FILE);
  if (fs.existsSync(file)) {
    const secrets = fs.readFileSync(file, 'utf8').split(/[\s,]+/).filter(Boolean).join(',');
    if (secrets) return secrets;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = generateServiceTokenSecret();
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  say('minqing', `generated the service token secret in ${file} (mode 0600)`);
  return secret;
}
