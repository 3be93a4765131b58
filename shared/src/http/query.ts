import type { FastifyInstance } from 'fastify';

/**
 * Query strings arrive as text; convert the values whose schema says number,
 * integer or boolean before validation. Bodies stay strict (Ajv does not coerce),
 * so a JSON body with "3" where 3 is required is still a 400.
 */
export function coerceQueryStrings(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: string }> } | undefined;
    const query = request.query as Record<string, unknown> | undefined;
    if (!schema?.properties || !query) return;
    for (const [key, prop] of Object.entries(schema.properties)) {
      const v = query[key];
      if (typeof v !== 'string') continue;
      if ((prop.type === 'integer' || prop.type === 'number') && /^-?\d+(\.\d+)?$/.test(v)) query[key] = Number(v);
      else if (prop.type === 'boolean' && (v === 'true' || v === 'false')) query[key] = v === 'true';
    }
  });
}
