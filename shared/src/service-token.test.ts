import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { Type } from '@sinclair/typebox';
import {
  CASE_API_ISSUER, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenError, ServiceTokenSecretsSchema, ServiceTokenSigner, ServiceTokenVerifier,
  type ServiceTokenFailure,
} from './service-token';
import type { ScopePrincipal } from './domain/report-access';

const OLD = 'old-secret-0123456789-0123456789-0123456789';
const NEW = 'new-secret-abcdefghij-abcdefghij-abcdefghij';
const OTHER = 'someone-elses-secret-zyxwvutsrq-zyxwvutsrq';
const head: ScopePrincipal = { username: 'head-shehui', role: 'department_head', cadreCode: 'c-head-shehui', departmentCode: 'shehui', areaCodes: [] };

const T0 = new Date('2026-11-20T08:00:00Z');
const at = (seconds: number) => () => new Date(T0.getTime() + seconds * 1000);
const signer = (secrets: string, now = at(0), issuer = CASE_API_ISSUER) => new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(secrets), issuer, now });
const verifier = (secrets: string, now = at(0)) =>
  new ServiceTokenVerifier({ secrets: parseServiceTokenSecrets(secrets), audience: REPORTING_AUDIENCE, issuers: [CASE_API_ISSUER], now });

async function refusal(p: Promise<unknown>): Promise<ServiceTokenFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceTokenError);
    return (err as ServiceTokenError).reason;
  }
  throw new Error('the token was accepted');
}

describe('service tokens', () => {
  it('carry the issuer and the principal through sign and verify', async () => {
    const token = await signer(NEW).sign(REPORTING_AUDIENCE, head);
    const call = await verifier(NEW).verify(token);
    expect(call.issuer).toBe(CASE_API_ISSUER);
    expect(call.principal).toEqual(head);
    expect(call.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('expire after 60 seconds (with a few seconds of clock tolerance)', async () => {
    const token = await signer(NEW).sign(REPORTING_AUDIENCE, head);
    await expect(verifier(NEW, at(59)).verify(token)).resolves.toBeTruthy();
    expect(await refusal(verifier(NEW, at(66)).verify(token))).toBe('expired');
  });

  it('are refused for another audience or from an unknown issuer', async () => {
    expect(await refusal(verifier(NEW).verify(await signer(NEW).sign('minqing-case-worker', head)))).toBe('audience');
    expect(await refusal(verifier(NEW).verify(await signer(NEW, at(0), 'minqing-somebody').sign(REPORTING_AUDIENCE, head)))).toBe('issuer');
  });

  it('rotate: the first secret signs, every listed secret verifies, a dropped one no longer does', async () => {
    const before = await signer(OLD).sign(REPORTING_AUDIENCE, head);
    const during = signer(`${NEW},${OLD}`);
    const after = await during.sign(REPORTING_AUDIENCE, head);
    // During the rotation both old and new tokens pass a verifier that lists both.
    await expect(verifier(`${NEW},${OLD}`).verify(before)).resolves.toBeTruthy();
    await expect(verifier(`${NEW},${OLD}`).verify(after)).resolves.toBeTruthy();
    // New tokens are signed with the new secret alone.
    await expect(verifier(NEW).verify(after)).resolves.toBeTruthy();
    expect(await refusal(verifier(OLD).verify(after))).toBe('signature');
    // Once the old secret is dropped, its tokens are refused.
    expect(await refusal(verifier(NEW).verify(before))).toBe('signature');
  });

  it('refuse forged tokens: another secret, an edited payload, no signature, or not a JWT', async () => {
    expect(await refusal(verifier(NEW).verify(await signer(OTHER).sign(REPORTING_AUDIENCE, head)))).toBe('signature');

    const [h, , sig] = (await signer(NEW).sign(REPORTING_AUDIENCE, head)).split('.');
    const promoted = Buffer.from(JSON.stringify({ ...head, sub: head.username, role: 'township_leader', iss: CASE_API_ISSUER, aud: REPORTING_AUDIENCE, iat: 1795000000, exp: 1795000060 })).toString('base64url');
    expect(await refusal(verifier(NEW).verify(`${h}.${promoted}.${sig}`))).toBe('signature');

    const unsigned = new UnsecuredJWT({ role: 'admin', cadreCode: null, departmentCode: null, areaCodes: [] })
      .setIssuer(CASE_API_ISSUER).setAudience(REPORTING_AUDIENCE).setSubject('admin').setIssuedAt(at(0)()).setExpirationTime(at(60)()).encode();
    expect(await refusal(verifier(NEW).verify(unsigned))).toBe('malformed');

    expect(await refusal(verifier(NEW).verify('not-a-jwt'))).toBe('malformed');
    expect(await refusal(verifier(NEW).verify(undefined))).toBe('missing');
  });

  it('refuse a validly signed token that names no valid principal', async () => {
    const key = parseServiceTokenSecrets(NEW)[0]!;
    const now = Math.floor(T0.getTime() / 1000);
    const token = await new SignJWT({ role: 'superuser', cadreCode: null, departmentCode: null, areaCodes: [] })
      .setProtectedHeader({ alg: 'HS256' }).setIssuer(CASE_API_ISSUER).setAudience(REPORTING_AUDIENCE).setSubject('x').setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    expect(await refusal(verifier(NEW).verify(token))).toBe('claims');
  });

  it('refuse a long-lived token minted with the secret (at most 5 minutes since it was issued)', async () => {
    const longLived = new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(NEW), issuer: CASE_API_ISSUER, ttlSeconds: 86_400, now: at(0) });
    const token = await longLived.sign(REPORTING_AUDIENCE, head);
    await expect(verifier(NEW, at(60)).verify(token)).resolves.toBeTruthy();
    expect(await refusal(verifier(NEW, at(3600)).verify(token))).toBe('expired');
  });
});

describe('SERVICE_TOKEN_SECRETS', () => {
  const Schema = Type.Object({ SERVICE_TOKEN_SECRETS: ServiceTokenSecretsSchema });

  it('accepts one or more secrets of at least 32 characters, first one first', () => {
    expect(loadConfig(Schema, { SERVICE_TOKEN_SECRETS: NEW }).SERVICE_TOKEN_SECRETS).toBe(NEW);
    expect(parseServiceTokenSecrets(`${NEW},${OLD}`).map((s) => new TextDecoder().decode(s))).toEqual([NEW, OLD]);
  });

  it.each([['short', 'too-short'], ['one of two short', `${NEW},short`], ['empty entry', `${NEW},`], ['whitespace', `${NEW} ${OLD}`]])('refuses %s without echoing it', (_what, value) => {
    expect(() => loadConfig(Schema, { SERVICE_TOKEN_SECRETS: value })).toThrow(/SERVICE_TOKEN_SECRETS: must be comma-separated shared secrets/);
    try {
      loadConfig(Schema, { SERVICE_TOKEN_SECRETS: value });
    } catch (err) {
      expect((err as Error).message).not.toContain(value);
    }
  });

  it('is required', () => {
    expect(() => loadConfig(Schema, {})).toThrow(/SERVICE_TOKEN_SECRETS: is required/);
  });
});
