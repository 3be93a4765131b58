/**
 * Service-to-service credentials (issue 15): a short-lived JWT (HS256, `jose`)
 * that names the calling service (`iss`), the service it is for (`aud`) and the
 * signed-in person it acts for (`sub` plus the claims that decide scope). The
 * callee verifies signature, audience, issuer and expiry before it does
 * anything, and takes the actor of every write from these claims, never from a
 * request body.
 *
 * The shared secrets come from `SERVICE_TOKEN_SECRETS`: a comma-separated list
 * of at least 32-byte secrets. The first signs; every one verifies, so a secret
 * is rotated by putting a new one first, restarting everything, then dropping
 * the old one (README "Security model").
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { STAFF_ROLES, type StaffRole } from './domain/access';
import type { ScopePrincipal } from './domain/report-access';

/** The case API's name as an issuer of service tokens. */
export const CASE_API_ISSUER = 'minqing-case-api';
/** The reporting service's name as an audience of service tokens. */
export const REPORTING_AUDIENCE = 'minqing-reporting';
/** How long a service token is good for: one call, with room for a slow one. */
export const SERVICE_TOKEN_TTL_SECONDS = 60;
/** Tokens older than this (by `iat`) are refused whatever their `exp` says. */
const MAX_TOKEN_AGE_SECONDS = 5 * 60;
const ALGORITHM = 'HS256';
const MIN_SECRET_BYTES = 32;

/** The config property both services validate at start (never echoed in an error: see loadConfig). */
export const ServiceTokenSecretsSchema = Type.String({
  pattern: `^[^,\\s]{${MIN_SECRET_BYTES},}(,[^,\\s]{${MIN_SECRET_BYTES},})*$`,
  secret: true,
  description: `comma-separated shared secrets of at least ${MIN_SECRET_BYTES} characters for service tokens; the first signs, all verify`,
});

/** The secrets of a SERVICE_TOKEN_SECRETS value, signing one first. */
export function parseServiceTokenSecrets(value: string): Uint8Array[] {
  const secrets = value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => new TextEncoder().encode(s));
  if (secrets.length === 0) throw new Error('no service token secret given');
  for (const s of secrets) if (s.byteLength < MIN_SECRET_BYTES) throw new Error(`a service token secret is shorter than ${MIN_SECRET_BYTES} bytes`);
  return secrets;
}

const PrincipalClaims = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 64 }),
  role: Type.Union(STAFF_ROLES.map((r) => Type.Literal(r))),
  cadreCode: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  departmentCode: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  areaCodes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 }),
});
type PrincipalClaims = Static<typeof PrincipalClaims>;

export type ServiceTokenFailure = 'missing' | 'malformed' | 'expired' | 'audience' | 'issuer' | 'signature' | 'claims';

/** Why a token was refused; the callee answers 401 with `message`. */
export class ServiceTokenError extends Error {
  constructor(readonly reason: ServiceTokenFailure, message: string) {
    super(message);
    this.name = 'ServiceTokenError';
  }
}

export interface VerifiedServiceCall {
  /** the calling service (`iss`) */
  issuer: string;
  /** the signed-in person the call is made for */
  principal: ScopePrincipal;
  /** the token's id, for logs */
  tokenId: string | undefined;
}

export class ServiceTokenSigner {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;

  constructor(private readonly opts: { secrets: readonly Uint8Array[]; issuer: string; ttlSeconds?: number; now?: () => Date }) {
    const [first] = opts.secrets;
    if (!first) throw new Error('a service token signer needs a secret');
    this.key = first;
    this.ttlSeconds = opts.ttlSeconds ?? SERVICE_TOKEN_TTL_SECONDS;
  }

  /** A fresh token for one call to `audience` on behalf of `principal`. */
  async sign(audience: string, principal: ScopePrincipal): Promise<string> {
    const now = Math.floor((this.opts.now?.() ?? new Date()).getTime() / 1000);
    const claims: Omit<PrincipalClaims, 'sub'> = {
      role: principal.role,
      cadreCode: principal.cadreCode,
      departmentCode: principal.departmentCode,
      areaCodes: [...principal.areaCodes],
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(this.opts.issuer)
      .setAudience(audience)
      .setSubject(principal.username)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.key);
  }
}

export class ServiceTokenVerifier {
  constructor(private readonly opts: { secrets: readonly Uint8Array[]; audience: string; issuers: readonly string[]; clockToleranceSeconds?: number; now?: () => Date }) {
    if (opts.secrets.length === 0) throw new Error('a service token verifier needs at least one secret');
  }

  /** The call's issuer and principal; throws ServiceTokenError when the token is missing, forged, expired, for someone else or malformed. */
  async verify(token: string | undefined): Promise<VerifiedServiceCall> {
    if (!token) throw new ServiceTokenError('missing', 'this service needs a service token (Authorization: Bearer <JWT>)');
    if (token.length > 4096) throw new ServiceTokenError('malformed', 'the service token is not a JWT');
    let lastSignatureError: unknown;
    for (const secret of this.opts.secrets) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: [ALGORITHM],
          audience: this.opts.audience,
          issuer: [...this.opts.issuers],
          clockTolerance: this.opts.clockToleranceSeconds ?? 5,
          maxTokenAge: MAX_TOKEN_AGE_SECONDS,
          requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp'],
          ...(this.opts.now ? { currentDate: this.opts.now() } : {}),
        });
        if (!Value.Check(PrincipalClaims, payload)) throw new ServiceTokenError('claims', 'the service token does not name a valid principal');
        const claims = payload as unknown as PrincipalClaims & { iss: string; jti?: string };
        return {
          issuer: claims.iss,
          tokenId: claims.jti,
          principal: { username: claims.sub, role: claims.role as StaffRole, cadreCode: claims.cadreCode, departmentCode: claims.departmentCode, areaCodes: claims.areaCodes },
        };
      } catch (err) {
        if (err instanceof errors.JWSSignatureVerificationFailed) {
          lastSignatureError = err;
          continue; // signed with another (or no) secret of ours: try the next one
        }
        throw toFailure(err);
      }
    }
    throw toFailure(lastSignatureError);
  }
}

function toFailure(err: unknown): ServiceTokenError {
  if (err instanceof ServiceTokenError) return err;
  if (err instanceof errors.JWTExpired) return new ServiceTokenError('expired', 'the service token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new ServiceTokenError('audience', 'the service token is for another service');
    if (err.claim === 'iss') return new ServiceTokenError('issuer', 'the service token comes from an unknown issuer');
    return new ServiceTokenError('claims', `the service token's ${err.claim} claim is invalid`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return new ServiceTokenError('signature', 'the service token signature is not valid');
  return new ServiceTokenError('malformed', 'the service token is not a valid JWT');
}

/** The bearer token of an Authorization header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
