/** Request headers more than one route takes. */
import { Type } from '@fastify/type-provider-typebox';

/** The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header): retrying with the same key `does` what it says once. */
export const idempotencyHeaders = (does: string) =>
  Type.Object({
    'idempotency-key': Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 128,
        pattern: '^[\\x21-\\x7e]+$',
        description: `Retrying with the same key ${does} (IETF draft-ietf-httpapi-idempotency-key-header)`,
      }),
    ),
  });
