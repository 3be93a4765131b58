/**
 * Activity implementations for the worker's workflows (case and work record),
 * built by a factory over injected dependencies so tests can pass their own.
 * Every write goes through the casework data module (./casework), which builds
 * the events and writes them to the outbox in the same transaction.
 */
import type { Logger, Pool } from '@minqing/shared';
import type { CaseActivities, WorkActivities } from '@minqing/workflows';
import type { Casework } from './casework/index';
import { RoutingRepository } from './routing.repository';

export interface ActivityDeps {
  pool: Pool;
  logger: Logger;
  casework: Pick<Casework, 'recordCaseOpened' | 'recordTransition' | 'recordWorkRecord'>;
  routing?: Pick<RoutingRepository, 'route'>;
}

export function createActivities(deps: ActivityDeps): CaseActivities & WorkActivities {
  const routing = deps.routing ?? new RoutingRepository(deps.pool);
  return {
    async routeCase(args) {
      const decision = await routing.route(args);
      deps.logger.info({ caseId: args.caseId, rule: decision.rule, assignee: decision.assigneeCode }, 'case routed');
      return decision;
    },

    async recordTransition(t) {
      return { inserted: await deps.casework.recordTransition(t) };
    },

    // Notifications go to the log for now; a delivery channel (SMS, app push)
    // plugs in here. The queues in the read model are what staff act on.
    async notify(n) {
      deps.logger.info({ caseId: n.caseId, to: n.toCode, kind: n.kind }, n.message);
    },

    async recordCaseOpened(input) {
      const inserted = await deps.casework.recordCaseOpened(input);
      deps.logger.info({ caseId: input.caseId, inserted }, 'case recorded');
      return { inserted };
    },

    async recordWorkRecord(input) {
      const inserted = await deps.casework.recordWorkRecord(input);
      deps.logger.info({ recordId: input.recordId, cadre: input.cadreCode, kind: input.kind, inserted }, 'work record recorded');
      return { inserted };
    },
  };
}
