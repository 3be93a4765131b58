/** Temporal client connection shared by the API and the tests. */
import { Client, Connection } from '@temporalio/client';

export async function connectTemporal(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  return new Client({ connection, namespace });
}

export async function temporalReachable(client: Client): Promise<void> {
  await client.connection.workflowService.getSystemInfo({});
}
