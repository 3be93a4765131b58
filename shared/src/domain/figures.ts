/**
 * Definitions of the evaluation figures (服务绩效). They are configuration with
 * a version, stamped on every report, because weights and definitions differ
 * between places and change over time; a figure is always a numerator over a
 * denominator of named cases, so it can be explained case by case.
 */
export const FIGURE_DEFINITIONS = {
  version: 'figures-2026.1',
  /** weight of each satisfaction answer in the satisfaction rate (one published scheme: basically = 0.9) */
  satisfactionWeights: { satisfied: 1, basically_satisfied: 0.9, dissatisfied: 0 },
  /**
   * A case counts towards the response figures once it was routed, unless it
   * was withdrawn, rejected or merged before anyone signed for it.
   */
  eligible: 'routed, and not withdrawn/rejected/merged before sign-for',
} as const;

export const FIGURE_NAMES = [
  'cases', 'eligible', 'accepted', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'rated', 'satisfied', 'basicallySatisfied',
  'dissatisfied', 'returned', 'reopened',
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export const GROUP_BY = ['township', 'area', 'department', 'village', 'cadre'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
