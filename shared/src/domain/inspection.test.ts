import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { gradeOf, inspectionResult, inspectionScore, RecordInspectionBody } from './inspection';

describe('the inspection scale (一听二看三查)', () => {
  it('grades 90 and up excellent, 75 good, 60 pass, below fail', () => {
    expect([100, 90, 89.9, 75, 74, 60, 59.5, 0].map(gradeOf)).toEqual(['excellent', 'excellent', 'good', 'good', 'pass', 'pass', 'fail', 'fail']);
  });

  it('scores an inspection as the mean of its three parts, in whole points', () => {
    expect(inspectionScore({ listen: 90, look: 80, check: 71 })).toBe(80);
    expect(inspectionScore({ listen: 100, look: 100, check: 99 })).toBe(100);
  });

  it('a period’s result is the mean of its inspections, graded the same way; none without one', () => {
    expect(inspectionResult([])).toBeNull();
    expect(inspectionResult([92, 87])).toEqual({ count: 2, score: 89.5, grade: 'good' });
  });

  it('refuses a part scored out of 0–100, and a body without its three parts', () => {
    const body = {
      cadreCode: 'c-1', date: '2026-11-30',
      listen: { date: '2026-11-30', notes: '汇报', score: 80 },
      look: { ledgerHouseholds: ['h-1'], diaryRecords: [], findings: '台帐完整', score: 85 },
      check: { households: ['h-1'], findings: '走访', score: 90 },
    };
    expect(Value.Check(RecordInspectionBody, body)).toBe(true);
    expect(Value.Check(RecordInspectionBody, { ...body, check: { ...body.check, score: 101 } })).toBe(false);
    expect(Value.Check(RecordInspectionBody, { ...body, listen: undefined })).toBe(false);
    expect(Value.Check(RecordInspectionBody, { ...body, recordedBy: 'someone' })).toBe(false);
  });
});
