/**
 * Activity implementations for the case workflow, built by a factory over
 * injected dependencies so tests can pass their own pool.
 */
import { buildEvent, eventIdFor, EventType, inTransaction, type Pool, type Logger } from '@minqing/shared';
import type { CaseActivities } from '@minqing/workflows';
import { insertOpenedCase } from './case.repository';
import { RoutingRepository } from './routing.repository';
import { applyTransition } from './transition.repository';

export interface ActivityDeps {
  pool: Pool;
  logger: Logger;
  eventSource: string;
  caseEventsTopic: string;
}

export function createActivities(deps: ActivityDeps): CaseActivities {
  const routing = new RoutingRepository(deps.pool);
  return {
    async routeCase(args) {
      const decision = await routing.route(args);
      deps.logger.info({ caseId: args.caseId, rule: decision.rule, assignee: decision.assigneeCode }, 'case routed');
      return decision;
    },

    async recordTransition(t) {
      const inserted = await inTransaction(deps.pool, (client) => applyTransition(client, t, deps.eventSource, deps.caseEventsTopic));
      return { inserted };
    },

    // Notifications go to the log for now; a delivery channel (SMS, app push)
    // plugs in here. The queues in the read model are what staff act on.
    async notify(n) {
      deps.logger.info({ caseId: n.caseId, to: n.toCode, kind: n.kind }, n.message);
    },

    async recordCaseOpened(input) {
      const r = input.request;
      const event = buildEvent({
        id: eventIdFor(input.caseId, 'opened'),
        source: deps.eventSource,
        type: EventType.caseOpenedV1,
        subject: input.caseId,
        time: input.openedAt,
        data: {
          caseId: input.caseId,
          trackingCode: input.trackingCode,
          category: r.category,
          priority: r.priority,
          channel: r.channel,
          servicePointCode: r.servicePointCode ?? null,
          villageCode: r.villageCode ?? null,
          householdCode: r.householdCode ?? null,
          openedAt: input.openedAt,
          openedBy: input.openedBy,
        },
      });
      const inserted = await inTransaction(deps.pool, (client) => insertOpenedCase(client, input, event, deps.caseEventsTopic));
      deps.logger.info({ caseId: input.caseId, inserted }, 'case recorded');
      return { inserted };
    },
  };
}
