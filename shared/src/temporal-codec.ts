/**
 * Temporal payload encryption, after Temporal's encryption sample: every payload
 * a client or worker sends (workflow input, activity arguments and results,
 * update arguments, query answers, memo) is AES-256-GCM encrypted by a payload
 * codec before it leaves the process, so Temporal's database, `temporal workflow
 * show` and the Web UI hold only ciphertext. Staff who may read it decode through
 * the case API's codec endpoint (`/api/v1/codec`).
 *
 * Keys come from `PAYLOAD_KEYS=kid1:base64key,kid0:base64key` (32-byte keys): the
 * first key encrypts, every key decrypts, and each encrypted payload names its key
 * id in the metadata. Rotation: put a new key first, keep the old ones until no
 * running workflow's history needs them. Payloads without this codec's encoding
 * (histories written before it, search attributes) pass through unchanged.
 *
 * Format (as the sample's): metadata `encoding: binary/encrypted`,
 * `encryption-key-id: <kid>`; data = 12-byte IV ‖ ciphertext ‖ 16-byte GCM tag of
 * the whole original Payload protobuf (its metadata included).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { JSONToPayload, payloadToJSON, type JSONPayload } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import { FormatRegistry, Type } from '@sinclair/typebox';

export type { Payload, PayloadCodec } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const PayloadProto = proto.temporal.api.common.v1.Payload;

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

/**
 * Parse a key ring `kid:base64key[,kid:base64key…]` (first encrypts). Throws
 * PayloadKeyError naming the problem, never the key material.
 */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  const entries = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new PayloadKeyError('no key given');
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const b64 = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) throw new PayloadKeyError(`entry ${i + 1}: expected <key id>:<base64 key>, with a key id of 1-64 letters, digits, '.', '_' or '-'`);
    if (seen.has(id)) throw new PayloadKeyError(`key id ${id} appears twice`);
    seen.add(id);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new PayloadKeyError(`key ${id} is not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== KEY_BYTES) throw new PayloadKeyError(`key ${id} is ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    return { id, key };
  });
}

/** A fresh key ring entry `kid:base64key` (32 random bytes). */
export function newPayloadKey(id: string): string {
  if (!KEY_ID.test(id)) throw new PayloadKeyError(`bad key id ${JSON.stringify(id)}`);
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

function isValidKeyRing(spec: string): boolean {
  try {
    parsePayloadKeys(spec);
    return true;
  } catch {
    return false;
  }
}
FormatRegistry.Set('payload-keys', isValidKeyRing);

/** The `PAYLOAD_KEYS` variable of the case API and the case-worker (validated; never echoed). */
export const PayloadKeysConfig = {
  PAYLOAD_KEYS: Type.String({
    format: 'payload-keys',
    secret: true,
    description: 'a key ring "kid:base64key[,kid:base64key…]" of 32-byte AES keys, distinct ids (the first encrypts; all decrypt)',
  }),
};

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(ring: PayloadKey[] | string) {
    const keys = typeof ring === 'string' ? parsePayloadKeys(ring) : ring;
    if (keys.length === 0) throw new PayloadKeyError('no key given');
    this.current = keys[0]!;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key that encrypts. */
  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const clear = PayloadProto.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: encode(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: encode(this.current.id) },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      // Not ours (written before encryption, or by another codec): as it is.
      if (!encoding || decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const kidBytes = payload.metadata?.[METADATA_KEY_ID];
      if (!kidBytes) throw new ValueError('encrypted payload without an encryption key id');
      const kid = decode(kidBytes);
      const key = this.keys.get(kid);
      if (!key) throw new ValueError(`encrypted payload under key ${kid}, which is not in PAYLOAD_KEYS`);
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload too short');
      const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
      decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
      let clear: Buffer;
      try {
        clear = Buffer.concat([decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`encrypted payload under key ${kid} does not authenticate`);
      }
      return PayloadProto.decode(clear) as Payload;
    });
  }
}

type JsonValue = unknown;
const isPayloadJson = (v: JsonValue): v is JSONPayload => {
  const m = (v as { metadata?: unknown })?.metadata;
  return typeof v === 'object' && v !== null && typeof m === 'object' && m !== null && typeof (m as Record<string, unknown>).encoding === 'string';
};

/**
 * Marker details the worker's core writes itself, never through the data
 * converter: the patch id of a `patched()` marker, and a local activity's
 * bookkeeping (its id, type, attempt, time; its `result` does go through the codec).
 * The SDK reads them back on replay as they are, so they are stored in clear.
 */
export function coreOwnedMarkerDetail(markerName: string, detail: string): boolean {
  return markerName === 'core_patch' || (markerName === 'core_local_activity' && detail === 'data');
}

/**
 * Run a codec over every payload of a workflow history in its JSON form (as
 * `historyToJSON` writes it and `temporal workflow show --output json` prints it),
 * as the worker's data converter does: except search attributes, which Temporal
 * indexes and no codec touches, and the marker details the worker's core writes
 * itself (coreOwnedMarkerDetail). Used to keep recorded histories in clear and to
 * replay them encrypted.
 */
export async function codecHistoryJson(history: JsonValue, op: 'encode' | 'decode', codec: PayloadCodec): Promise<JsonValue> {
  const walk = async (v: JsonValue, key: string | null): Promise<JsonValue> => {
    if (key === 'searchAttributes') return v;
    if (key === 'markerRecordedEventAttributes' && typeof v === 'object' && v !== null) {
      const marker = v as { markerName?: string; details?: Record<string, JsonValue> };
      const details: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(marker.details ?? {})) details[k] = coreOwnedMarkerDetail(marker.markerName ?? '', k) ? x : await walk(x, k);
      return { ...marker, details };
    }
    if (isPayloadJson(v)) {
      const [out] = await codec[op]([JSONToPayload(v)]);
      return payloadToJSON(out!);
    }
    if (Array.isArray(v)) return Promise.all(v.map((x) => walk(x, null)));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await walk(x, k);
      return out;
    }
    return v;
  };
  return walk(history, null);
}

/** The one data converter of every Temporal client and worker of minqing. */
export function getDataConverter(ring: PayloadKey[] | string | EncryptionCodec): DataConverter {
  return { payloadCodecs: [ring instanceof EncryptionCodec ? ring : new EncryptionCodec(ring)] };
}
