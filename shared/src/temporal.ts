/** Temporal client connection shared by the API and the tests. */
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SA } from './domain/search-attributes';
import { getDataConverter, type EncryptionCodec, type PayloadKey } from './temporal-codec';

/** A client whose payloads are encrypted with the key ring (`PAYLOAD_KEYS`, see temporal-codec.ts). */
export async function connectTemporal(address: string, namespace: string, payloadKeys: PayloadKey[] | string | EncryptionCodec): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  return new Client({ connection, namespace, dataConverter: getDataConverter(payloadKeys) });
}

/** Temporal could not be reached (gRPC UNAVAILABLE / DEADLINE_EXCEEDED, or no connection): a 503, not a 500. */
export function isTemporalUnavailable(err: unknown): boolean {
  const e = err as { code?: number; name?: string; message?: string };
  return e?.code === 14 || e?.code === 4 || e?.name === 'TransportError' || /connect|ECONNREFUSED|unavailable/i.test(e?.message ?? '');
}

export async function temporalReachable(client: Client): Promise<void> {
  await client.connection.workflowService.getSystemInfo({});
}

/**
 * Make sure the case search attributes exist in the namespace (the workflow
 * upserts them; an unknown one would fail every workflow task). The local dev
 * server gets them at start; elsewhere the worker adds missing ones, which
 * needs operator rights — without them it stops with a clear message.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const IVT = proto.temporal.api.enums.v1.IndexedValueType;
  const types: Record<string, number> = {
    KEYWORD: IVT.INDEXED_VALUE_TYPE_KEYWORD,
    INT: IVT.INDEXED_VALUE_TYPE_INT,
    DATETIME: IVT.INDEXED_VALUE_TYPE_DATETIME,
  };
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.values(SA).filter((k) => !have.has(k.name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, types[k.type]!])),
    });
  } catch (err) {
    throw new Error(
      `search attributes ${missing.map((k) => k.name).join(', ')} are missing in namespace ${namespace} and could not be added (${(err as Error).message}); ` +
        'create them with `temporal operator search-attribute create` (see README)',
    );
  }
  return missing.map((k) => k.name);
}
