/**
 * Messages of the case workflow, derived from the lifecycle table
 * (`@minqing/shared/domain`, lifecycle/moves.ts): one Update per move, named as
 * the move, with the move's arguments plus the acting staff member; the state is
 * read with a Query. Imported by the workflow and its callers alike.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { MOVE_NAMES, type Actor, type AssigneeFacts, type CaseWorkflowState, type MoveArgs, type MoveName, type RejectionKind } from '@minqing/shared/domain';

export type { Actor, CaseWorkflowState, ClockView, Phase, Satisfaction } from '@minqing/shared/domain';

/**
 * What a move's Update takes: the move's arguments, who makes it (the API sets the actor from the session)
 * and, for a move that gives the case to a cadre, that cadre's directory facts (the API reads them; see attribution).
 */
export type MoveUpdateArgs<K extends MoveName> = MoveArgs<K> & { actor: Actor; assignee?: AssigneeFacts };

export const getCaseState = defineQuery<CaseWorkflowState>('getCaseState');

/** One Update per move of the table. */
export const UPDATES = Object.fromEntries(MOVE_NAMES.map((name) => [name, defineUpdate(name)])) as {
  [K in MoveName]: UpdateDefinition<CaseWorkflowState, [MoveUpdateArgs<K>], K>;
};

/** ApplicationFailure types a refused move carries; the API maps them to HTTP statuses. */
export const RejectionType: Record<RejectionKind, string> = {
  notAllowed: 'TransitionNotAllowed', // 409
  forbidden: 'Forbidden', // 403
  invalid: 'InvalidArguments', // 400
};
