/**
 * /api/v1/codec — a Temporal codec server (the remote codec protocol of the
 * Temporal Web UI and CLI): `POST …/decode` and `POST …/encode` take
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` and answer the
 * same shape, decrypted or encrypted with the key ring (shared/src/temporal-codec.ts).
 * So Temporal itself holds only ciphertext, and staff who may see every case
 * (township leadership, assessment group, administrators) read histories in
 * clear through their own session:
 *
 *   temporal workflow show -w <case id> --codec-endpoint http://127.0.0.1:8080/api/v1/codec --codec-auth "Bearer $TOKEN"
 *
 * The Web UI (another origin) calls it from the browser with the console's
 * session cookie: CORS answers the configured UI origins (CODEC_CORS_ORIGINS),
 * credentials allowed; `trustedOrigins` in the route config tells the sign-in
 * hook that a cookie request from those origins is not a cross-site forgery
 * (decoding changes nothing, and no other origin can read the answer).
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, problemResponses, ProblemType, PUBLIC_ROUTE, TOWNSHIP_WIDE_ROLES, type Payload, type PayloadCodec } from '@minqing/shared';
import type { AuditLog } from '../audit/audit.service';

export interface CodecOptions {
  codec: PayloadCodec;
  /** origins allowed to call with credentials (the Temporal Web UI), e.g. http://127.0.0.1:8233 */
  corsOrigins: string[];
}

/** The case ids a batch of decoded payloads belongs to (workflow inputs and states carry `caseId`), for the audit entry. */
function caseIdsOf(payloads: Payload[]): string[] {
  const ids = new Set<string>();
  for (const p of payloads) {
    try {
      const v = JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8')) as { caseId?: unknown } | null;
      if (typeof v?.caseId === 'string' && /^[0-9a-f-]{36}$/.test(v.caseId)) ids.add(v.caseId);
    } catch {
      /* not JSON */
    }
  }
  return [...ids].slice(0, 20);
}

const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 4 * 1024 * 1024, description: 'base64' });
const JsonPayload = Type.Object(
  {
    metadata: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Base64, { description: 'metadata values, base64' })),
    data: Type.Optional(Base64),
  },
  { $id: 'CodecPayload', description: 'a temporal.api.common.v1.Payload in protobuf JSON form' },
);
const Payloads = Type.Object({ payloads: Type.Array(Type.Ref('CodecPayload'), { maxItems: 1000 }) }, { $id: 'CodecPayloads' });
type JsonPayloadT = { metadata?: Record<string, string>; data?: string };

const fromJson = (p: JsonPayloadT): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const b64 = (u: Uint8Array | null | undefined) => Buffer.from(u ?? new Uint8Array()).toString('base64');
const toJson = (p: Payload): JsonPayloadT => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v as Uint8Array)])),
  data: b64(p.data),
});

class UndecodablePayloadError extends DomainError {
  constructor(detail: string) {
    super(ProblemType.validation, 422, 'Payload cannot be decoded', detail);
  }
}

const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

export const codecRoutes: FastifyPluginAsyncTypebox<CodecOptions & { audit: AuditLog }> = async (app, { codec, corsOrigins, audit }) => {
  app.addSchema(JsonPayload);
  app.addSchema(Payloads);
  const allowed = new Set(corsOrigins);

  /** CORS for the listed origins only; other origins get no CORS headers (the browser withholds the answer). */
  function cors(request: FastifyRequest, reply: FastifyReply): void {
    const origin = request.headers.origin;
    reply.header('vary', 'origin');
    if (!origin || !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
  }
  // Encapsulated: only the codec routes answer CORS, on every answer (a 401 or 403 too, so the UI can tell).
  app.addHook('onSend', async (request, reply, payload) => {
    cors(request, reply);
    return payload;
  });

  for (const op of ['encode', 'decode'] as const) {
    // The browser's preflight carries no credentials: it is answered without a session.
    app.options(`/codec/${op}`, { schema: { hide: true }, config: PUBLIC_ROUTE }, async (_request, reply) => {
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    });

    app.post(`/codec/${op}`, {
      // Township-wide staff only, decided by the sign-in hook on the matched route before the body
      // (up to a few MB of payloads) is read.
      config: { roles: TOWNSHIP_WIDE_ROLES, trustedOrigins: corsOrigins },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        operationId: op === 'decode' ? 'decodePayloads' : 'encodePayloads',
        summary:
          op === 'decode'
            ? 'Temporal codec server: decrypt payloads (Web UI, `temporal … --codec-endpoint`); township leadership, assessment group, administrators'
            : 'Temporal codec server: encrypt payloads with the current key; township leadership, assessment group, administrators',
        description: 'The Temporal remote codec protocol; payloads without the encryption metadata are returned as they are.',
        tags: ['codec'],
        body: Type.Ref('CodecPayloads'),
        response: { 200: Type.Ref('CodecPayloads'), ...problemResponses(400, 401, 403, 413, 415, ...(op === 'decode' ? [422] : [])) },
      },
    }, async (request) => {
      const input = (request.body as { payloads: JsonPayloadT[] }).payloads.map(fromJson);
      let out: Payload[];
      try {
        out = op === 'decode' ? await codec.decode(input) : await codec.encode(input);
      } catch (err) {
        throw new UndecodablePayloadError((err as Error).message);
      }
      if (op === 'decode') {
        // Decrypted payloads hold residents' names and phones: no audit entry, no answer.
        const cases = caseIdsOf(out);
        await audit.record(request, { action: 'case.read', subjectType: 'case', subject: cases[0] ?? null, details: { via: 'temporal-codec', payloads: out.length, cases } }, { required: true });
      }
      return { payloads: out.map(toJson) };
    });
  }
};
