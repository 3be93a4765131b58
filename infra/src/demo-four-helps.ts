/**
 * 四帮四促 in the demo (issue 13): tags on most demo cases and work records,
 * so /four-helps, the case page and the work-record lists show them filled.
 * Cases: two in three tagged at intake with what their category suggests
 * (shared SUGGESTED_HELP), every fifth with a second help; some retagged later
 * by their cadre (a revision in the case's tag history). Work records: the
 * help the kind's work mostly is, on two in three. Deterministic.
 */
import { FOUR_HELPS, SUGGESTED_HELP, type FourHelp } from '@minqing/shared/four-helps';
import type { CaseCategory } from '@minqing/shared/vocabulary';
import type { WorkKind } from '@minqing/shared/work-kinds';

/** The tags demo case `i` is opened with (none for every third). */
export function demoCaseHelps(i: number, category: string): FourHelp[] {
  if (i % 3 === 2) return [];
  const first = SUGGESTED_HELP[category as CaseCategory] ?? FOUR_HELPS[i % FOUR_HELPS.length]!;
  const second: FourHelp = first === 'practical_problems' ? 'policy_understanding' : 'practical_problems';
  return FOUR_HELPS.filter((h) => h === first || (i % 5 === 0 && h === second));
}

/** The tags the handling cadre sets later on demo case `i`, or null to leave them (every seventh: the untagged get one, the tagged gain 理清发展思路). */
export function demoCaseRetag(i: number, category: string): FourHelp[] | null {
  if (i % 7 !== 3) return null;
  const now = demoCaseHelps(i, category);
  return now.length ? FOUR_HELPS.filter((h) => now.includes(h) || h === 'development_ideas') : ['practical_problems'];
}

/** What each kind of work mostly helps with. */
const KIND_HELP: Readonly<Record<WorkKind, FourHelp>> = {
  visit: 'practical_problems',
  survey: 'development_ideas',
  household_file: 'practical_problems',
  diary: 'practical_problems',
  training: 'policy_understanding',
  door_to_door: 'policy_understanding',
  leaflets: 'policy_understanding',
  development_guidance: 'development_ideas',
  proxy_service: 'practical_problems',
  holiday_visit: 'practical_problems',
  civility_persuasion: 'dispute_resolution',
  cleanup_day: 'development_ideas',
  mediation: 'dispute_resolution',
};

/** The tags of the `n`-th demo work record of `kind` (none for every third). */
export function demoWorkHelps(kind: WorkKind, n: number): FourHelp[] {
  return n % 3 === 2 ? [] : [KIND_HELP[kind]];
}
