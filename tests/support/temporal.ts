/**
 * The tests' own Temporal client: the same payload encryption as the services
 * (the test stack's key ring, PAYLOAD_KEYS, handed over in serviceEnv), so its
 * queries, updates and descriptions read what the services wrote.
 */
import type { Client } from '@temporalio/client';
import { connectTemporal, EncryptionCodec } from '@minqing/shared';
import type { TestEnv } from '../setup/env';

/** The key ring of the services under test. */
export function testPayloadKeys(e: TestEnv): string {
  const keys = e.serviceEnv.PAYLOAD_KEYS ?? process.env.PAYLOAD_KEYS;
  if (!keys) throw new Error('PAYLOAD_KEYS is not known: set it when testing against running services (MINQING_CASE_API_URL)');
  return keys;
}

export function testCodec(e: TestEnv): EncryptionCodec {
  return new EncryptionCodec(testPayloadKeys(e));
}

export function testTemporalClient(e: TestEnv): Promise<Client> {
  return connectTemporal(e.TEMPORAL_ADDRESS, e.TEMPORAL_NAMESPACE, testPayloadKeys(e));
}
