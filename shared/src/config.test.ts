import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, DatabaseUrl, loadConfig, Port } from './config';

const Schema = Type.Object({ DATABASE_URL: DatabaseUrl, API_PORT: Port(8080), NAME: Type.Optional(Type.String()) });

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    expect(loadConfig(Schema, { DATABASE_URL: 'postgres://u@h/db' })).toEqual({ DATABASE_URL: 'postgres://u@h/db', API_PORT: 8080 });
    expect(loadConfig(Schema, { DATABASE_URL: 'postgres://u@h/db', API_PORT: '9000' }).API_PORT).toBe(9000);
  });

  it('names every missing or bad variable', () => {
    let err: unknown;
    try {
      loadConfig(Schema, { API_PORT: 'eighty' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['API_PORT', 'DATABASE_URL']);
    expect(problems.find((p) => p.variable === 'DATABASE_URL')!.message).toMatch(/required/);
    expect(problems.find((p) => p.variable === 'API_PORT')!.message).toMatch(/"eighty"/);
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig(Schema, { DATABASE_URL: 'postgres://u@h/db', API_PORT: '70000' })).toThrow(/API_PORT/);
  });
});

describe('loadConfig with a secret', () => {
  const WithSecret = Type.Object({ SECRET: Type.String({ minLength: 32, secret: true, description: 'at least 32 characters' }) });

  it('names a bad secret without echoing its value', () => {
    let err: unknown;
    try {
      loadConfig(WithSecret, { SECRET: 'too-short-but-private' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/SECRET: must be at least 32 characters/);
    expect((err as ConfigError).message).not.toContain('too-short-but-private');
  });

  it('says what a missing secret must be', () => {
    expect(() => loadConfig(WithSecret, {})).toThrow(/SECRET: is required \(at least 32 characters\)/);
  });
});
