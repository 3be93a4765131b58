/**
 * Password hashing with Argon2id (OWASP's first choice), via @node-rs/argon2's
 * defaults: 19 MiB memory, 2 passes, 1 lane. The PHC string carries the
 * parameters, so raising them later still verifies older hashes.
 */
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 8;

export const hashPassword = (password: string): Promise<string> => hash(password);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Verifying against this when the account is unknown keeps the answer time the same. */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword('not-a-real-password-0'));
