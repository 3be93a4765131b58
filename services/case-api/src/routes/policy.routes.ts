/** The SLA policy and business calendar new cases start under (each case keeps its own copy). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BusinessCalendarSchema, DEFAULT_CALENDAR, DEFAULT_SLA_POLICY, SlaPolicySchema } from '@minqing/shared';

export const policyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(SlaPolicySchema);
  app.addSchema(BusinessCalendarSchema);
  app.get('/sla-policy', {
    schema: {
      operationId: 'getSlaPolicy',
      summary: 'Deadlines per category and priority, reminders, escalation steps, and the working-time calendar for new cases',
      tags: ['policy'],
      response: { 200: Type.Object({ policy: Type.Ref('SlaPolicy'), calendar: Type.Ref('BusinessCalendar') }) },
    },
  }, async () => ({ policy: DEFAULT_SLA_POLICY, calendar: DEFAULT_CALENDAR }));
};
