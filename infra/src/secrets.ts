/**
 * The stack's generated secrets, kept in `<data dir>/secrets/` (mode 0600) so a
 * restart — or a service started by hand from the same files — agrees. A value
 * in the environment is used as given and nothing is written. Each file holds
 * one entry a line; the first signs or encrypts, all verify or decrypt, so
 * rotation by hand is: put a new line first, restart, and drop the old line once
 * nothing needs it any more (README, "Security model").
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { say } from './log';

interface SecretSpec {
  /** the environment variable the services read (a comma-separated list) */
  env: 'SERVICE_TOKEN_SECRETS' | 'PAYLOAD_KEYS';
  file: string;
  what: string;
  generate(): string;
}

const SECRETS = {
  /** HS256 secrets of the service tokens the case API signs for reporting (shared/src/service-token.ts): 32 random bytes, base64url. */
  serviceToken: {
    env: 'SERVICE_TOKEN_SECRETS',
    file: path.join('secrets', 'service-token-secrets'),
    what: 'the service token secret',
    generate: () => randomBytes(32).toString('base64url'),
  },
  /** The key ring of the Temporal payload codec (shared/src/temporal-codec.ts): `k<yyyymmdd>:<base64 of 32 random bytes>`. */
  payloadKeys: {
    env: 'PAYLOAD_KEYS',
    file: path.join('secrets', 'payload-keys'),
    what: 'the Temporal payload key ring',
    generate: () => `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}:${randomBytes(32).toString('base64')}`,
  },
} satisfies Record<string, SecretSpec>;

function persisted(spec: SecretSpec, dataDir: string, env: NodeJS.ProcessEnv): string {
  const given = env[spec.env];
  if (given) return given;
  const file = path.join(dataDir, spec.file);
  if (fs.existsSync(file)) {
    const list = fs.readFileSync(file, 'utf8').split(/[\s,]+/).filter(Boolean).join(',');
    if (list) return list;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = spec.generate();
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  say('minqing', `generated ${spec.what} in ${file} (mode 0600)`);
  return value;
}

/** SERVICE_TOKEN_SECRETS for the services of the stack kept in `dataDir`. */
export const serviceTokenSecrets = (dataDir: string, env: NodeJS.ProcessEnv = process.env): string => persisted(SECRETS.serviceToken, dataDir, env);
/** PAYLOAD_KEYS for the services of the stack kept in `dataDir`. */
export const payloadKeys = (dataDir: string, env: NodeJS.ProcessEnv = process.env): string => persisted(SECRETS.payloadKeys, dataDir, env);
