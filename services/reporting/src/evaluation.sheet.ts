/**
 * The evaluation sheet of a period (评先选优, shared evaluation-sheet.ts) and the
 * composite score it shares with /reports/composite (one computation:
 * compositeOf). Every cadre of the roster has a row, and every department: its
 * service figures, its cadres' duty, its own democratic appraisal, its cadres'
 * inspections. Signed-off sheets are kept in evaluation_sheets (SheetRepository).
 */
import { randomUUID } from 'node:crypto';
import {
  COMPOSITE_DEFINITIONS, CursorError, DEFAULT_CALENDAR, decodeCursor, filterFingerprint, FIGURE_DEFINITIONS, gradeOf, keysetPage, localDateOf, periodDates, startOfLocalDate,
  type DutyFigures, type EvaluationSheet, type EvaluationSheetRow, type Page, type Pool, type SignedSheetSummary,
} from '@minqing/shared';
import type { EvaluationRepository } from './evaluation.repository';
import type { FiguresRepository, GroupFigures } from './figures.repository';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
type PartName = keyof typeof COMPOSITE_DEFINITIONS.weights;

/** The service part: the 三率 weighting over the rates a group has (null when it has none). */
export function serviceScore(g: GroupFigures): number | null {
  const r = COMPOSITE_DEFINITIONS.serviceRates;
  const rates = ([[g.rates.signFor.value, r.signFor], [g.rates.resolution.value, r.resolution], [g.rates.satisfaction.value, r.satisfaction]] as [number | null, number][])
    .filter((x): x is [number, number] => x[0] !== null);
  const weight = rates.reduce((sum, [, w]) => sum + w, 0);
  return weight > 0 ? rates.reduce((sum, [v, w]) => sum + v * w, 0) / weight : null;
}

/** The duty part: the share of the plan's days a week at the grassroots, capped at 1. */
export const dutyScore = (daysPerWeek: number): number => Math.min(1, daysPerWeek / COMPOSITE_DEFINITIONS.dutyDaysPerWeekTarget);

/**
 * The composite of the parts a subject has (each 0–1), under COMPOSITE_DEFINITIONS'
 * weights; a part without data is left out and the weights renormalised (`partial`).
 */
export function compositeOf(parts: Partial<Record<PartName, number>>): { composite: number; parts: Partial<Record<PartName, number>>; partial: boolean } {
  const present = (Object.keys(COMPOSITE_DEFINITIONS.weights) as PartName[]).filter((n) => parts[n] !== undefined);
  const weight = present.reduce((sum, n) => sum + COMPOSITE_DEFINITIONS.weights[n], 0);
  return {
    composite: weight > 0 ? round4(present.reduce((sum, n) => sum + parts[n]! * COMPOSITE_DEFINITIONS.weights[n], 0) / weight) : 0,
    parts: Object.fromEntries(present.map((n) => [n, round4(parts[n]!)])),
    partial: present.length < Object.keys(COMPOSITE_DEFINITIONS.weights).length,
  };
}

/** The sheet of `period` as it stands now. */
export async function buildSheet(period: string, deps: { pool: Pool; evaluation: EvaluationRepository; figures: FiguresRepository }): Promise<EvaluationSheet> {
  const { first, last } = periodDates(period);
  const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const startOf = (date: string) => startOfLocalDate(date, DEFAULT_CALENDAR).toISOString();
  const range = { from: startOf(first), to: startOf(next) };
  const today = localDateOf(new Date(), DEFAULT_CALENDAR);
  const [byCadre, byDepartment, duty, appraisals, inspections, names] = await Promise.all([
    deps.figures.figures('cadre', range),
    deps.figures.figures('department', range),
    deps.evaluation.duty(first, last, { roster: true, today }),
    deps.evaluation.appraisals(period) as Promise<{ subjectType: string; subjectCode: string; score: number }[]>,
    deps.evaluation.inspections(first, last),
    deps.pool.query<{ kind: 'cadre' | 'department'; code: string; name: string; department_code: string | null }>(
      `SELECT 'cadre' AS kind, code, name, department_code FROM directory.cadres UNION ALL SELECT 'department', code, name, NULL FROM directory.departments`,
    ),
  ]);
  const nameOf = new Map(names.rows.map((r) => [`${r.kind}:${r.code}`, r.name]));
  const service = (g: GroupFigures | undefined): EvaluationSheetRow['service'] => {
    if (!g) return null;
    const s = serviceScore(g);
    return {
      cases: g.counts.cases ?? 0, signForRate: g.rates.signFor.value, resolutionRate: g.rates.resolution.value, satisfactionRate: g.rates.satisfaction.value,
      score: s === null ? null : round4(s),
    };
  };
  const appraisal = (type: 'cadre' | 'department', code: string): EvaluationSheetRow['appraisal'] => {
    const ap = appraisals.filter((a) => a.subjectType === type && a.subjectCode === code);
    return ap.length ? { score: Math.round((ap.reduce((s, a) => s + a.score, 0) / ap.length) * 100) / 100, groups: ap.length } : null;
  };
  const row = (
    subjectType: 'cadre' | 'department', code: string, departmentCode: string | null, svc: EvaluationSheetRow['service'], d: EvaluationSheetRow['duty'], inspection: EvaluationSheetRow['inspection'],
  ): EvaluationSheetRow => {
    const ap = appraisal(subjectType, code);
    const c = compositeOf({
      ...(svc?.score !== null && svc?.score !== undefined ? { service: svc.score } : {}),
      duty: d.score,
      ...(ap ? { appraisal: ap.score / 100 } : {}),
    });
    return { subjectType, code, name: nameOf.get(`${subjectType}:${code}`) ?? null, departmentCode, service: svc, duty: d, appraisal: ap, inspection, composite: c.composite, partial: c.partial };
  };
  const dutyOf = (x: DutyFigures) => ({
    daysPerWeek: x.daysPerWeek, grassrootsDays: x.grassrootsDays, weeksMeetingPlan: x.weeksMeetingPlan, weeksMissingPlan: x.weeksMissingPlan, score: round4(dutyScore(x.daysPerWeek)),
  });
  const cadres = duty.map((x) => {
    const i = inspections.get(x.cadreCode);
    return row('cadre', x.cadreCode, x.departmentCode, service(byCadre.find((g) => g.key === x.cadreCode)), dutyOf(x), i ? { count: i.count, score: i.score, grade: i.grade } : null);
  });
  const departmentCodes = [...new Set([...names.rows.filter((r) => r.kind === 'department').map((r) => r.code)])].sort();
  const departments = departmentCodes.map((code) => {
    const own = duty.filter((x) => x.departmentCode === code);
    const mean = (f: (x: DutyFigures) => number) => (own.length ? own.reduce((s, x) => s + f(x), 0) / own.length : 0);
    const sum = (f: (x: DutyFigures) => number) => own.reduce((s, x) => s + f(x), 0);
    const days = Math.round(mean((x) => x.daysPerWeek) * 100) / 100;
    const d = { daysPerWeek: days, grassrootsDays: sum((x) => x.grassrootsDays), weeksMeetingPlan: sum((x) => x.weeksMeetingPlan), weeksMissingPlan: sum((x) => x.weeksMissingPlan), score: round4(mean((x) => dutyScore(x.daysPerWeek))) };
    // the department's inspections: every inspection of its cadres, weighted by their number
    const ins = own.map((x) => inspections.get(x.cadreCode)).filter((x) => x !== undefined);
    const count = ins.reduce((s, x) => s + x.count, 0);
    const score = count ? Math.round((ins.reduce((s, x) => s + x.score * x.count, 0) / count) * 10) / 10 : 0;
    return row('department', code, null, service(byDepartment.find((g) => g.key === code)), d, count ? { count, score, grade: gradeOf(score) } : null);
  });
  return {
    period, first, last,
    compositeVersion: COMPOSITE_DEFINITIONS.version,
    weights: { ...COMPOSITE_DEFINITIONS.weights },
    figureDefinitionsVersion: FIGURE_DEFINITIONS.version,
    cadres, departments,
  };
}

/** Every leaf that differs between a signed-off sheet and the sheet now, by row (`cadre:<code>`, `department:<code>`) and path. */
export function sheetDifferences(frozen: EvaluationSheet, current: EvaluationSheet): { key: string; path: string; frozen: unknown; current: unknown }[] {
  const out: { key: string; path: string; frozen: unknown; current: unknown }[] = [];
  const rows = (s: EvaluationSheet) => new Map([...s.cadres, ...s.departments].map((r) => [`${r.subjectType}:${r.code}`, r as unknown]));
  const a = rows(frozen);
  const b = rows(current);
  const walk = (key: string, path: string, x: unknown, y: unknown) => {
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(key, path ? `${path}.${k}` : k, (x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]);
    } else if (x !== y) out.push({ key, path, frozen: x ?? null, current: y ?? null });
  };
  for (const key of new Set([...a.keys(), ...b.keys()])) walk(key, '', a.get(key) ?? null, b.get(key) ?? null);
  return out;
}

export interface SignedSheet extends SignedSheetSummary {
  sheet: EvaluationSheet;
}

const LIST = 'evaluation-sheets';
const AT = `date_trunc('milliseconds', s.signed_at)`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SheetRow { id: string; period: string; composite_version: string; figure_definitions_version: string; note: string; signed_by: string; signed_by_name?: string | null; signed_at: Date; sheet?: EvaluationSheet }
const summary = (r: SheetRow): SignedSheetSummary => ({
  id: r.id, period: r.period, compositeVersion: r.composite_version, figureDefinitionsVersion: r.figure_definitions_version, note: r.note, signedBy: r.signed_by, signedByName: r.signed_by_name ?? null, signedAt: r.signed_at.toISOString(),
});

/** Signed-off sheets (reporting.evaluation_sheets): kept by a rebuild, never changed. */
export class SheetRepository {
  constructor(private readonly pool: Pool) {}

  async save(s: { sheet: EvaluationSheet; note: string; signedBy: string }): Promise<SignedSheet> {
    const { rows } = await this.pool.query<SheetRow>(
      `INSERT INTO reporting.evaluation_sheets (id, period, composite_version, figure_definitions_version, sheet, note, signed_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *`,
      [randomUUID(), s.sheet.period, s.sheet.compositeVersion, s.sheet.figureDefinitionsVersion, JSON.stringify(s.sheet), s.note, s.signedBy],
    );
    return (await this.find(rows[0]!.id))!;
  }

  async find(id: string): Promise<SignedSheet | null> {
    const { rows } = await this.pool.query<SheetRow>(
      `SELECT s.*, a.display_name AS signed_by_name FROM reporting.evaluation_sheets s LEFT JOIN directory.accounts a ON a.username = s.signed_by WHERE s.id = $1`,
      [id],
    );
    return rows[0] ? { ...summary(rows[0]), sheet: rows[0].sheet! } : null;
  }

  /** Newest first, a page at a time (keyset on signed_at, id), of one period when asked. */
  async list(q: { period?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<SignedSheetSummary>> {
    const fp = filterFingerprint({ period: q.period ?? null });
    const params: unknown[] = [q.period ?? null, q.limit + 1];
    let after = '';
    if (q.cursor !== undefined) {
      const [at, id] = decodeCursor(LIST, q.cursor, fp);
      if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)) || !UUID.test(id)) throw new CursorError();
      after = `AND (${AT}, s.id) < ($3::timestamptz, $4::uuid)`;
      params.push(at, id);
    }
    const { rows } = await this.pool.query<SheetRow>(
      `SELECT s.id, s.period, s.composite_version, s.figure_definitions_version, s.note, s.signed_by, a.display_name AS signed_by_name, s.signed_at
         FROM reporting.evaluation_sheets s LEFT JOIN directory.accounts a ON a.username = s.signed_by
        WHERE ($1::text IS NULL OR s.period = $1) ${after} ORDER BY ${AT} DESC, s.id DESC LIMIT $2`,
      params,
    );
    return keysetPage(LIST, rows.map(summary), q.limit, (r) => [r.signedAt, r.id], fp);
  }
}
