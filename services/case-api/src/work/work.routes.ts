/**
 * /api/v1/work-records — cadres record their grassroots work (履职): household
 * visits, public-condition diary entries (民情日记), household file updates.
 * Each record and its event are written in one transaction (outbox); duty
 * figures come from these records only, never from location tracking.
 */
import { randomUUID } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { buildEvent, DASHBOARD_ROLES, DomainError, ForbiddenError, inTransaction, ProblemType, problemResponses, type Pool } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { LifecycleService } from '../lifecycle.service';

const KINDS = { visit: 'org.minqing.work.visit_logged.v1', diary: 'org.minqing.work.diary_entry_added.v1', household_file: 'org.minqing.work.household_file_updated.v1' } as const;
const ROLES = ['investigator', 'publicist', 'guide', 'service_attendant', 'civility_officer', 'other'] as const; // the plan's six roles

const Body = Type.Object(
  {
    kind: Type.Union(Object.keys(KINDS).map((k) => Type.Literal(k))),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date the work was done' }),
    householdCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    villageCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    caseId: Type.Optional(Type.String({ format: 'uuid' })),
    role: Type.Optional(Type.Union(ROLES.map((r) => Type.Literal(r)))),
    note: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);

export const workRoutes: FastifyPluginAsyncTypebox<{ pool: Pool; lifecycle: LifecycleService; topic: string }> = async (app, { pool, lifecycle, topic }) => {
  app.post('/work-records', {
    schema: {
      operationId: 'logWorkRecord',
      summary: 'Log a household visit, a diary entry or a household file update (by the signed-in cadre)',
      tags: ['work records'],
      body: Body,
      response: { 201: Type.Object({ id: Type.String(), kind: Type.String(), date: Type.String() }), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request, reply) => {
    const actor = await lifecycle.actor(principalOf(request));
    const b = request.body;
    const invalid = (field: string, message: string) =>
      new DomainError(ProblemType.validation, 422, 'Invalid work record', `${field} ${message}`, { errors: [{ field: `body/${field}`, message }] });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    if (Number.isNaN(Date.parse(`${b.date}T00:00:00Z`)) || b.date > today) throw invalid('date', 'must be a real date, not in the future');
    if (b.kind !== 'diary' && !b.householdCode) throw invalid('householdCode', 'is required for visits and household file updates');
    let household: { village_code: string; cadre_code: string | null; is_key: boolean } | undefined;
    if (b.householdCode) {
      household = (await pool.query('SELECT village_code, cadre_code, is_key FROM directory.households WHERE code = $1', [b.householdCode])).rows[0];
      if (!household) throw invalid('householdCode', `${b.householdCode} does not exist`);
    }
    const cadre = (await pool.query('SELECT department_code FROM directory.cadres WHERE code = $1', [actor.code])).rows[0];
    const id = randomUUID();
    const recordedAt = new Date().toISOString();
    const villageCode = household?.village_code ?? b.villageCode ?? null;
    const base = { recordId: id, cadreCode: actor.code, departmentCode: cadre?.department_code ?? null, villageCode, date: b.date, role: b.role ?? null, recordedAt };
    const data = b.kind === 'diary'
      ? base
      : { ...base, householdCode: b.householdCode!, linkedHousehold: household!.cadre_code === actor.code, keyHousehold: household!.is_key, caseId: b.caseId ?? null };
    const event = buildEvent({ id, source: '/minqing/case-api', type: KINDS[b.kind as keyof typeof KINDS], subject: id, partitionkey: `cadre:${actor.code}`, time: recordedAt, data: data as never });
    await inTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO casework.work_records (id, cadre_code, kind, work_date, household_code, village_code, case_id, role, note, recorded_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
        [id, actor.code, b.kind, b.date, b.householdCode ?? null, villageCode, b.caseId ?? null, b.role ?? null, b.note, recordedAt],
      );
      await client.query(`INSERT INTO casework.outbox (event_id, case_id, topic, event_type, event) VALUES ($1, NULL, $2, $3, $4)`, [id, topic, event.type, event]);
    });
    return reply.code(201).send({ id, kind: b.kind, date: b.date });
  });

  app.get('/work-records', {
    schema: {
      operationId: 'listWorkRecords',
      summary: "A cadre's work records in a date range",
      tags: ['work records'],
      querystring: Type.Object({ cadre: Type.String({ minLength: 1, maxLength: 64 }), from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    const q = request.query;
    // Own records; managers and the assessment group read anyone's.
    const p = principalOf(request);
    if (q.cadre !== p.cadreCode && !DASHBOARD_ROLES.includes(p.role)) throw new ForbiddenError('you may read only your own work records');
    const { rows } = await pool.query(
      `SELECT id, kind, to_char(work_date, 'YYYY-MM-DD') AS date, household_code AS "householdCode", village_code AS "villageCode", case_id AS "caseId", role, note, recorded_at AS "recordedAt"
         FROM casework.work_records WHERE cadre_code = $1 AND ($2::date IS NULL OR work_date >= $2) AND ($3::date IS NULL OR work_date <= $3)
        ORDER BY work_date DESC, recorded_at DESC LIMIT 500`,
      [q.cadre, q.from ?? null, q.to ?? null],
    );
    return { items: rows };
  });
};
