/** Figures as flat rows for the assessment group: CSV and XLSX. */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { GroupFigures } from './figures.repository';

const COLUMNS: [string, (g: GroupFigures) => unknown][] = [
  ['key', (g) => g.key],
  ['cases', (g) => g.counts.cases],
  ['eligible', (g) => g.counts.eligible],
  ['accepted', (g) => g.counts.accepted],
  ['accepted_on_time', (g) => g.counts.acceptedOnTime],
  ['resolved', (g) => g.counts.resolved],
  ['resolved_on_time', (g) => g.counts.resolvedOnTime],
  ['ever_resolved', (g) => g.counts.everResolved], // empty under figures-2026.1, which has no such count
  ['rated', (g) => g.counts.rated],
  ['satisfied', (g) => g.counts.satisfied],
  ['basically_satisfied', (g) => g.counts.basicallySatisfied],
  ['dissatisfied', (g) => g.counts.dissatisfied],
  ['returned', (g) => g.counts.returned],
  ['reopened', (g) => g.counts.reopened],
  ['sign_for_rate', (g) => g.rates.signFor.value],
  ['on_time_sign_for_rate', (g) => g.rates.onTimeSignFor.value],
  ['resolution_rate', (g) => g.rates.resolution.value],
  ['on_time_resolution_rate', (g) => g.rates.onTimeResolution.value],
  ['satisfaction_rate', (g) => g.rates.satisfaction.value],
  ['return_rate', (g) => g.rates.returns.value],
  ['reopen_rate', (g) => g.rates.reopens.value],
  ['escalations_level_1', (g) => g.escalations.level1],
  ['escalations_level_2', (g) => g.escalations.level2],
  ['escalations_level_3', (g) => g.escalations.level3],
  ['minutes_to_accept_median', (g) => g.minutesToAccept.median],
  ['minutes_to_accept_p90', (g) => g.minutesToAccept.p90],
  ['minutes_to_resolve_median', (g) => g.minutesToResolve.median],
  ['minutes_to_resolve_p90', (g) => g.minutesToResolve.p90],
];

export function rows(groups: GroupFigures[]): unknown[][] {
  return groups.map((g) => COLUMNS.map(([, f]) => f(g) ?? null));
}

export function toCsv(groups: GroupFigures[], meta: Record<string, string>): string {
  const header = `# ${Object.entries(meta).map(([k, v]) => `${k}=${v}`).join('; ')}\n`;
  return header + stringify([COLUMNS.map(([name]) => name), ...rows(groups).map((r) => r.map((v) => (v === null ? '' : String(v))))]);
}

export async function toXlsx(groups: GroupFigures[], meta: Record<string, string>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'minqing';
  const sheet = wb.addWorksheet('figures');
  sheet.addRow(COLUMNS.map(([name]) => name)).font = { bold: true };
  for (const r of rows(groups)) sheet.addRow(r);
  const info = wb.addWorksheet('about');
  for (const [k, v] of Object.entries(meta)) info.addRow([k, v]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
