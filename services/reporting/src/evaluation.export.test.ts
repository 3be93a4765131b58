/**
 * The signed-off evaluation sheet as files: the PDF carries the Chinese names
 * and headings as text (a CJK font embedded: extracted here with unpdf), the
 * XLSX one row per cadre and department.
 */
import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import type { EvaluationSheetRow } from '@minqing/shared';
import { sheetPdf, sheetXlsx } from './evaluation.export';
import { compositeOf } from './evaluation.sheet';
import type { SignedSheet } from './evaluation.sheet';

const row = (subjectType: 'cadre' | 'department', code: string, name: string, extra: Partial<EvaluationSheetRow> = {}): EvaluationSheetRow => ({
  subjectType, code, name, departmentCode: subjectType === 'cadre' ? 'd-civil' : null,
  service: { cases: 4, signForRate: 1, resolutionRate: 0.75, satisfactionRate: 1, score: 0.875 },
  duty: { daysPerWeek: 2.5, grassrootsDays: 10, weeksMeetingPlan: 2, weeksMissingPlan: 2, score: 0.8333 },
  appraisal: { score: 88, groups: 2 },
  inspection: { count: 1, score: 91, grade: 'excellent' },
  composite: 0.86, partial: false,
  ...extra,
});

const signed: SignedSheet = {
  id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', period: '2026-Q3', compositeVersion: 'composite-2026.1', figureDefinitionsVersion: 'figures-2026.2',
  note: '第三季度考核', signedBy: 'assess-01', signedByName: '考核组 · 演示', signedAt: '2026-10-08T02:00:00.000Z',
  sheet: {
    period: '2026-Q3', first: '2026-07-01', last: '2026-09-30', compositeVersion: 'composite-2026.1', weights: { service: 0.6, duty: 0.2, appraisal: 0.2 }, figureDefinitionsVersion: 'figures-2026.2',
    cadres: [row('cadre', 'c-01', '王建国'), row('cadre', 'c-02', '乌云其木格', { inspection: null, appraisal: null, partial: true })],
    departments: [row('department', 'd-civil', '民政办')],
  },
};

describe('the evaluation sheet export', () => {
  it('PDF: the cadres’ and departments’ names, the headings and grades are text in the file', async () => {
    const pdf = await sheetPdf(signed, 'zh-CN');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    for (const words of ['评先选优考核表', '王建国', '乌云其木格', '民政办', '优秀', '2026-Q3', 'assess-01']) expect(text).toContain(words);
  });

  it('PDF in English says so', async () => {
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await sheetPdf(signed, 'en'))), { mergePages: true });
    expect(text).toContain('Evaluation sheet');
    expect(text).toContain('excellent');
    expect(text).toContain('王建国');
  });

  it('XLSX: a sheet of cadres and one of departments, one row each, and who signed it off', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await sheetXlsx(signed, 'zh-CN')) as unknown as ArrayBuffer);
    const cadres = wb.getWorksheet('干部')!;
    expect(cadres.rowCount).toBe(3);
    expect(cadres.getRow(2).getCell(2).value).toBe('王建国');
    expect(cadres.getRow(2).getCell(14).value).toBe('优秀');
    expect(cadres.getRow(2).getCell(15).value).toBe(0.86);
    expect(wb.getWorksheet('部门')!.getRow(2).getCell(2).value).toBe('民政办');
    const about = wb.getWorksheet('评先选优考核表')!;
    expect(about.getRow(2).values).toEqual([undefined, '签发人', '考核组 · 演示 (assess-01)']);
  });
});

describe('the composite (one computation for /composite and the sheet)', () => {
  it('weighs the parts a subject has and renormalises over them', () => {
    expect(compositeOf({ service: 1, duty: 0.5, appraisal: 0.8 })).toEqual({ composite: 0.86, parts: { service: 1, duty: 0.5, appraisal: 0.8 }, partial: false });
    expect(compositeOf({ duty: 0.5 })).toEqual({ composite: 0.5, parts: { duty: 0.5 }, partial: true });
  });
});
