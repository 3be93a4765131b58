/**
 * Rules for recording an inspection (一听二看三查, shared inspection.ts): the
 * cadre exists, the households looked at and checked exist, the diary entries
 * reviewed are that cadre's diary entries, no date lies in the future — a bad
 * record is a 422 naming every wrong field, before anything starts. The score
 * and grade are computed here (the shared scale); the checked record goes to
 * `inspectionWorkflow`, whose worker activity writes it and its event. The
 * recorder is the verified principal. No SQL here (inspection.repository.ts).
 */
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import {
  assertSafeText, canonicalHash, DEFAULT_CALENDAR, DomainError, gradeOf, inspectionScore, inspectionWorkflowId,
  localDateOf, PAGE_LIMIT_DEFAULT, ProblemType, uuidV5,
  type BusinessCalendar, type InspectionGrade, type InspectionInput, type ListInspectionsQuery, type Principal, type RecordInspectionBody,
} from '@minqing/shared';
import { storeByWorker } from '../stored-by-worker';
import type { InspectionRepository } from './inspection.repository';

/** Namespace of inspection ids derived from an Idempotency-Key; fixed forever. */
const INSPECTION_ID_NAMESPACE = '6b1f3c52-8e0a-5d47-b2c9-3a7e5f10d864';

export interface RecordedInspection {
  inspection: { id: string; score: number; grade: InspectionGrade };
  created: boolean;
}

interface FieldError { field: string; message: string; code: string; params: Record<string, unknown> }

function invalid(errors: FieldError[]): DomainError {
  return new DomainError(ProblemType.validation, 422, 'Invalid inspection', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
    errors: errors.map((e) => ({ ...e, field: `body/${e.field}` })),
  });
}

export class InspectionService {
  constructor(
    private readonly deps: {
      temporal: Client;
      taskQueue: string;
      repository: InspectionRepository;
      calendar?: BusinessCalendar;
      waitMs?: number;
      now?: () => Date;
    },
  ) {}

  async record(p: Principal, b: RecordInspectionBody, opts: { idempotencyKey?: string } = {}): Promise<RecordedInspection> {
    assertSafeText(b, 'body');
    const now = this.deps.now?.() ?? new Date();
    const today = localDateOf(now, this.deps.calendar ?? DEFAULT_CALENDAR);
    const errors: FieldError[] = [];
    const future = (field: string, date: string) => {
      if (date > today) errors.push({ field, message: 'must not be in the future', code: 'date_in_future', params: { today } });
    };
    future('date', b.date);
    future('listen/date', b.listen.date);
    if (b.listen.date > b.date) errors.push({ field: 'listen/date', message: 'must not be after the inspection', code: 'listen_after_inspection', params: { date: b.date } });
    const cadre = await this.deps.repository.cadre(b.cadreCode);
    if (!cadre) errors.push({ field: 'cadreCode', message: `${b.cadreCode} does not exist`, code: 'unknown_cadre', params: { code: b.cadreCode } });
    const [unknownLedger, unknownChecked, notDiary] = await Promise.all([
      this.deps.repository.unknownHouseholds(b.look.ledgerHouseholds),
      this.deps.repository.unknownHouseholds(b.check.households),
      cadre ? this.deps.repository.notDiaryOf(b.cadreCode, b.look.diaryRecords) : Promise.resolve([]),
    ]);
    if (unknownLedger.length) errors.push({ field: 'look/ledgerHouseholds', message: `no such household: ${unknownLedger.join(', ')}`, code: 'unknown_households', params: { codes: unknownLedger.join(', ') } });
    if (unknownChecked.length) errors.push({ field: 'check/households', message: `no such household: ${unknownChecked.join(', ')}`, code: 'unknown_households', params: { codes: unknownChecked.join(', ') } });
    if (notDiary.length) errors.push({ field: 'look/diaryRecords', message: `not a diary entry of ${b.cadreCode}: ${notDiary.join(', ')}`, code: 'not_diary_of_cadre', params: { count: notDiary.length } });
    if (errors.length || !cadre) throw invalid(errors);

    const score = inspectionScore({ listen: b.listen.score, look: b.look.score, check: b.check.score });
    const id = opts.idempotencyKey ? uuidV5(`inspection:${p.username}:${opts.idempotencyKey}`, INSPECTION_ID_NAMESPACE) : randomUUID();
    const input: InspectionInput = {
      inspectionId: id, ...b, departmentCode: cadre.departmentCode, score, grade: gradeOf(score), recordedBy: p.username, recordedAt: now.toISOString(),
    };
    const requestHash = canonicalHash({ by: p.username, ...b });
    const { result, created } = await storeByWorker<RecordedInspection['inspection']>({
      temporal: this.deps.temporal, taskQueue: this.deps.taskQueue, workflowType: 'inspectionWorkflow', workflowId: inspectionWorkflowId(id), args: [input],
      requestHash, idempotencyKey: opts.idempotencyKey, waitMs: this.deps.waitMs,
      notStored: { title: 'Inspection not stored', detail: 'the inspection could not be stored' },
    });
    return { inspection: result, created };
  }

  list(q: ListInspectionsQuery) {
    return this.deps.repository.list({
      q: q.q?.trim() || null, cadre: q.cadre ?? null, from: q.from ?? null, to: q.to ?? null, limit: q.limit ?? PAGE_LIMIT_DEFAULT,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    });
  }

}
