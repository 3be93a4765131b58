/**
 * Serves the published event contract (events/contract.ts) on a Fastify app:
 * the JSON Schema of each event type's data at the URL events name in
 * `ce_dataschema`, the list of them, and the AsyncAPI document of the topics.
 * Open without a credential, like /openapi.json: contract, not data. The case
 * API and reporting both register it, from the same catalogue.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ASYNCAPI_PATH, asyncApiDocument, eventDataJsonSchema, eventSchemaListing } from '../events/contract';
import { EVENT_SCHEMAS_PATH, isKnownEventType } from '../events/cloudevents';
import { NotFoundError } from './problem';
import { PUBLIC_ROUTE } from './route-access';

/** Route patterns of the contract (reporting lists them among its open routes). */
export const EVENT_CONTRACT_ROUTES = [ASYNCAPI_PATH, EVENT_SCHEMAS_PATH, `${EVENT_SCHEMAS_PATH}/:type`] as const;

export const JSON_SCHEMA_MEDIA_TYPE = 'application/schema+json';
export const ASYNCAPI_MEDIA_TYPE = 'application/vnd.aai.asyncapi+json;version=3.0.0';

export interface EventContractOptions {
  /** EVENT_SCHEMA_BASE_URL: the schemas' canonical URLs (`$id`, `ce_dataschema`) */
  baseUrl: string;
  /** CASE_EVENTS_TOPIC and CASE_EVENTS_DLQ_TOPIC */
  topic: string;
  dlqTopic: string;
}

export function registerEventContract(app: FastifyInstance, opts: EventContractOptions): void {
  const asyncapi = asyncApiDocument(opts);
  const listing = eventSchemaListing(opts.baseUrl);
  const cache = 'public, max-age=300';
  app.get(ASYNCAPI_PATH, { schema: { hide: true }, config: PUBLIC_ROUTE }, async (_request, reply) => {
    reply.type(ASYNCAPI_MEDIA_TYPE).header('cache-control', cache);
    return asyncapi;
  });
  app.get(EVENT_SCHEMAS_PATH, { schema: { hide: true }, config: PUBLIC_ROUTE }, async (_request, reply) => {
    reply.header('cache-control', cache);
    return listing;
  });
  app.get<{ Params: { type: string } }>(
    `${EVENT_SCHEMAS_PATH}/:type`,
    { schema: { hide: true, params: Type.Object({ type: Type.String({ minLength: 1, maxLength: 128 }) }) }, config: PUBLIC_ROUTE },
    async (request, reply) => {
      const { type } = request.params;
      if (!isKnownEventType(type)) throw new NotFoundError('event type', JSON.stringify(type));
      reply.type(JSON_SCHEMA_MEDIA_TYPE).header('cache-control', cache);
      return eventDataJsonSchema(opts.baseUrl, type);
    },
  );
}
