import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { decode } from '@temporalio/common/lib/encoding';
import { Type } from '@sinclair/typebox';
import { ConfigError, loadConfig } from './config';
import { EncryptionCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID, newPayloadKey, parsePayloadKeys, PayloadKeysConfig } from './temporal-codec';

const SENTINEL = { resident: { name: '哨兵测试名字', phone: '13900001111' } };
const k0 = newPayloadKey('k0');
const k1 = newPayloadKey('k1');
const clear = (): Payload => defaultPayloadConverter.toPayload(SENTINEL);
const text = (p: Payload) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8');

describe('EncryptionCodec', () => {
  it('encrypts a payload so that neither its value nor its encoding is readable, and decrypts it back', async () => {
    const codec = new EncryptionCodec(k0);
    const [enc] = await codec.encode([clear()]);
    expect(decode(enc!.metadata![METADATA_ENCODING_KEY]!)).toBe(ENCRYPTED_ENCODING);
    expect(decode(enc!.metadata![METADATA_KEY_ID]!)).toBe('k0');
    expect(text(enc!)).not.toContain('13900001111');
    expect(Buffer.from(enc!.data!).toString('utf8')).not.toContain('json/plain');
    const [dec] = await codec.decode([enc!]);
    expect(defaultPayloadConverter.fromPayload(dec!)).toEqual(SENTINEL);
    expect(decode(dec!.metadata![METADATA_ENCODING_KEY]!)).toBe('json/plain');
  });

  it('uses a fresh IV each time', async () => {
    const codec = new EncryptionCodec(k0);
    const [a, b] = await codec.encode([clear(), clear()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates: the first key encrypts, older keys still decrypt, a dropped key does not', async () => {
    const [old] = await new EncryptionCodec(k0).encode([clear()]);
    const rotated = new EncryptionCodec(`${k1},${k0}`);
    expect(rotated.keyId).toBe('k1');
    const [fresh] = await rotated.encode([clear()]);
    expect(decode(fresh!.metadata![METADATA_KEY_ID]!)).toBe('k1');
    const decoded = await rotated.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([SENTINEL, SENTINEL]);
    await expect(new EncryptionCodec(k1).decode([old!])).rejects.toThrow(/key k0, which is not in PAYLOAD_KEYS/);
  });

  it('passes payloads without its encoding through unchanged (histories recorded before encryption)', async () => {
    const p = clear();
    const [out] = await new EncryptionCodec(k0).decode([p]);
    expect(out).toBe(p);
  });

  it('refuses a tampered payload or a wrong key under the same id', async () => {
    const [enc] = await new EncryptionCodec(k0).encode([clear()]);
    const tampered = { ...enc!, data: Uint8Array.from(enc!.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(new EncryptionCodec(k0).decode([tampered])).rejects.toThrow(/does not authenticate/);
    const otherK0 = newPayloadKey('k0');
    await expect(new EncryptionCodec(otherK0).decode([enc!])).rejects.toThrow(/does not authenticate/);
  });
});

describe('PAYLOAD_KEYS', () => {
  it('parses a ring in order', () => {
    expect(parsePayloadKeys(`${k1},${k0}`).map((k) => [k.id, k.key.length])).toEqual([['k1', 32], ['k0', 32]]);
  });

  it.each([
    ['', /no key/],
    ['k0', /expected <key id>:<base64 key>/],
    [`${k0},${k0}`, /k0 appears twice/],
    ['k0:c2hvcnQ=', /k0 is 5 bytes; AES-256 needs 32/],
    ['k0:not base64!', /not base64/],
  ])('refuses %j', (spec, message) => {
    expect(() => parsePayloadKeys(spec)).toThrow(message);
  });

  it('is validated by the config schema without echoing the key', () => {
    const Schema = Type.Object({ ...PayloadKeysConfig });
    expect(loadConfig(Schema, { PAYLOAD_KEYS: `${k1},${k0}` }).PAYLOAD_KEYS).toBe(`${k1},${k0}`);
    const short = 'k0:c2hvcnQtYnV0LXByaXZhdGU=';
    let err: unknown;
    try {
      loadConfig(Schema, { PAYLOAD_KEYS: short });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/PAYLOAD_KEYS: must be a key ring/);
    expect((err as ConfigError).message).not.toContain('c2hvcnQtYnV0LXByaXZhdGU');
    expect(() => loadConfig(Schema, {})).toThrow(/PAYLOAD_KEYS: is required/);
  });
});
