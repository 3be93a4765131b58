/**
 * Who can take a case (issue 11): the cadres a manager may reassign or reroute
 * it to — roster roles that take cases (ASSIGNABLE_CADRE_ROLES, the same routing
 * assigns to), the case's department first, each group by current load (the
 * cases they owe an answer, LOAD_STATUSES: what routing balances), then by name.
 * Never hall staff, heads, leaders, the assessment group or administrators.
 * Searchable by name; paged by cursor.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ASSIGNABLE_CADRE_ROLES, filterFingerprint, likeSubstring, LOAD_STATUSES, MANAGER_ROLES, offsetPage, PageAnswer, PageQuery, problemResponses,
  startOffset, Text, type Pool,
} from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { CaseAccess } from '../auth/case-access';
import type { CaseService } from '../case.service';

const Candidate = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    role: Type.String({ description: 'roster role (staff, village_official, trainee)' }),
    departmentCode: Type.Union([Type.String(), Type.Null()]),
    sameDepartment: Type.Boolean({ description: "in the case's department (listed first)" }),
    openCases: Type.Integer({ description: 'cases assigned to them and still owed an answer' }),
  },
  { additionalProperties: false },
);
export type Candidate = typeof Candidate.static;

const LIST = 'candidates';

export const candidatesRoutes: FastifyPluginAsyncTypebox<{ pool: Pool; access: CaseAccess; service: CaseService }> = async (app, { pool, access, service }) => {
  app.get('/cases/:id/candidates', {
    // Who reassigns and reroutes: the managers (the workflow then checks the chain of this case).
    config: { roles: MANAGER_ROLES },
    schema: {
      operationId: 'caseCandidates',
      summary: "Cadres who can take the case (for reassign and reroute): the case's department first, each group by current load (open cases owed an answer), then by name; searchable by name; paged by cursor",
      tags: ['cases'],
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      querystring: Type.Object(
        { q: Type.Optional(Text({ minLength: 1, maxLength: 50, description: 'part of the name or code' })), ...PageQuery({ defaultLimit: 30, maxLimit: 100 }) },
        { additionalProperties: false },
      ),
      response: { 200: PageAnswer(Candidate, { total: Type.Integer({ description: 'candidates matching the search' }) }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const c = await service.getCase(request.params.id);
    await access.assertCanSee(principalOf(request), c);
    const { q, limit } = request.query;
    const scope = filterFingerprint({ id: c.id, q });
    const offset = startOffset(LIST, request.query, scope);
    const params: unknown[] = [ASSIGNABLE_CADRE_ROLES, LOAD_STATUSES, c.departmentCode];
    let where = 'c.role = ANY($1::text[])';
    if (q) {
      params.push(likeSubstring(q));
      where += ` AND (c.name ILIKE $${params.length} OR c.code ILIKE $${params.length})`;
    }
    const { rows } = await pool.query<{ code: string; name: string; role: string; department_code: string | null; same: boolean; open_cases: number; total: number }>(
      `SELECT c.code, c.name, c.role, c.department_code,
              (c.department_code IS NOT DISTINCT FROM $3::text AND $3::text IS NOT NULL) AS same,
              count(k.id)::int AS open_cases, (count(*) OVER ())::int AS total
         FROM directory.cadres c
         LEFT JOIN casework.cases k ON k.assignee_code = c.code AND k.status = ANY($2::text[])
        WHERE ${where}
        GROUP BY c.code
        ORDER BY same DESC, c.department_code NULLS LAST, count(k.id), c.name, c.code
        LIMIT ${limit + 1} OFFSET ${offset}`,
      params,
    );
    const page = offsetPage(LIST, rows, limit, offset, scope);
    return {
      items: page.items.map((r) => ({ code: r.code, name: r.name, role: r.role, departmentCode: r.department_code, sameDepartment: r.same, openCases: r.open_cases })),
      nextCursor: page.nextCursor,
      total: rows[0]?.total ?? (offset > 0 ? offset : 0),
    };
  });
};
