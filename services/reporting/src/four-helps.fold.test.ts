/**
 * 四帮四促 in the projection (issue 13): a case's tags from case.opened, then
 * each later revision from case.helps_tagged (an older or repeated revision
 * changes nothing, whatever order a chunk brings them in); a work record's
 * tags on its work fact; events from before the tags decode and fold as none.
 */
import { describe, expect, it } from 'vitest';
import { buildEvent, CASE_HELPS_TAGGED_EVENT, type CloudEvent } from '@minqing/shared';
import { Fold, foldEvents } from './projection';

const caseId = '6f1c1c1e-6a53-4d55-9f0b-2f4c3a1d9e01';
const at = '2026-12-01T02:00:00.000Z';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const opened = (helps?: string[]) =>
  buildEvent({
    id: uuid(1), source: '/test', type: 'org.minqing.case.opened.v1', subject: caseId, time: at,
    data: { caseId, trackingCode: 'MQ-7K3F-9Q2D', category: 'dispute_mediation', priority: 'normal', channel: 'hall', servicePointCode: null, villageCode: 'V1', householdCode: null, openedAt: at, openedBy: 'H1', ...(helps ? { helps: helps as never } : {}) },
  });
const tagged = (revision: number, helps: string[]) =>
  buildEvent({ id: uuid(10 + revision), source: '/test', type: CASE_HELPS_TAGGED_EVENT, subject: caseId, time: at, data: { caseId, revision, helps: helps as never, actor: { code: 'C1', role: 'staff' }, at } });

function fold(events: CloudEvent[]) {
  const f = new Fold([]);
  foldEvents(f, events);
  return f;
}

describe('四帮四促 in the projection', () => {
  it('takes the tags given at intake as revision 1, and none from an opened event without them', () => {
    expect(fold([opened(['dispute_resolution'])]).createdFacts()[0]).toMatchObject({ helps: 'dispute_resolution', helps_revision: 1 });
    expect(fold([opened()]).createdFacts()[0]).toMatchObject({ helps: null, helps_revision: 0 });
  });

  it('keeps the latest revision, whatever order they come in', () => {
    const inOrder = fold([opened(), tagged(1, ['practical_problems', 'policy_understanding']), tagged(2, ['dispute_resolution'])]).createdFacts()[0];
    expect(inOrder).toMatchObject({ helps: 'dispute_resolution', helps_revision: 2 });
    const late = fold([opened(), tagged(2, ['dispute_resolution']), tagged(1, ['practical_problems'])]).createdFacts()[0];
    expect(late).toMatchObject({ helps: 'dispute_resolution', helps_revision: 2 });
    const cleared = fold([opened(['policy_understanding']), tagged(2, [])]).createdFacts()[0];
    expect(cleared).toMatchObject({ helps: null, helps_revision: 2 });
  });

  it('gives a work fact its tags, in the plan\'s order, and none to a record without', () => {
    const visit = (n: number, helps?: string[]) =>
      buildEvent({
        id: uuid(100 + n), source: '/test', type: 'org.minqing.work.visit_logged.v1', subject: uuid(100 + n), time: at, partitionkey: 'cadre:C1',
        data: { recordId: uuid(100 + n), cadreCode: 'C1', departmentCode: null, villageCode: 'V1', date: '2026-12-01', role: 'investigator', recordedAt: at, householdCode: 'H1', linkedHousehold: true, keyHousehold: false, caseId: null, ...(helps ? { helps: helps as never } : {}) },
      });
    const f = fold([visit(1, ['dispute_resolution', 'policy_understanding']), visit(2)]);
    expect(f.work.map((w) => w.helps)).toEqual(['policy_understanding,dispute_resolution', null]);
  });
});
