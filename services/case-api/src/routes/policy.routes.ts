/**
 * The SLA policy and business calendar new cases start under (each case keeps
 * its own copy): read by everyone signed in; a new version published by an
 * administrator (checked whole, audited). Publishing changes only what cases
 * opened afterwards start with — a running case's deadlines, and its workflow's
 * recorded history, stay as they were.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BusinessCalendarSchema, POLICY_OPERATIONS, problemResponses, SlaPolicySchema } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { AuditLog } from '../audit/audit.service';
import type { SlaPolicyStore } from '../policy/sla-policy.store';

const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const policyRoutes: FastifyPluginAsyncTypebox<{ policies: SlaPolicyStore; audit: AuditLog }> = async (app, { policies, audit }) => {
  app.addSchema(SlaPolicySchema);
  app.addSchema(BusinessCalendarSchema);
  const Answer = Type.Object({
    policy: Type.Ref('SlaPolicy'),
    calendar: Type.Ref('BusinessCalendar'),
    publishedAt: Type.Optional(NullableString('when this version was published; null for the built-in first version')),
    publishedBy: Type.Optional(NullableString('who published it (user name); null for the built-in first version')),
    versions: Type.Optional(Type.Array(Type.Object({ version: Type.String(), publishedAt: NullableString('null: built in'), publishedBy: NullableString('null: built in') }), { description: 'every version, newest first' })),
  });
  const answer = async () => {
    const [current, versions] = await Promise.all([policies.current(), policies.versions()]);
    return { policy: current.policy, calendar: policies.calendar, publishedAt: current.publishedAt, publishedBy: current.publishedBy, versions };
  };

  app.get('/sla-policy', {
    schema: {
      operationId: 'getSlaPolicy',
      summary: 'Deadlines per category and priority, reminders, escalation steps, and the working-time calendar for new cases',
      tags: ['policy'],
      response: { 200: Answer },
    },
  }, answer);

  app.post('/sla-policy', {
    config: { roles: POLICY_OPERATIONS.publishSlaPolicy },
    schema: {
      operationId: 'publishSlaPolicy',
      summary: 'Publish a new SLA policy version for cases opened from now on (running cases keep theirs) — administrators; audited',
      description: 'The whole policy under a new `version`; refused with 422 (`code` sla_policy_invalid) when the policy check finds problems, 409 (`code` sla_policy_version_taken) when the version exists.',
      tags: ['policy'],
      body: Type.Ref(SlaPolicySchema),
      response: { 201: Answer, ...problemResponses(400, 409, 422) },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const published = await policies.publish(request.body, p.username);
    await audit.record(request, { action: 'sla_policy.publish', subjectType: 'sla_policy', subject: published.policy.version }, { required: true });
    return reply.code(201).send(await answer());
  });
};
