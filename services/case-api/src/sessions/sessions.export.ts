/**
 * The month's session report as a file for the assessment group and managers:
 * CSV (one row per occurrence of a session: held or cancelled, rostered,
 * arrived, absent, not recorded, cases opened / resolved / open; UTF-8 with a
 * BOM for Excel and WPS) or XLSX (that sheet, plus one row per rostered cadre
 * per occurrence with their attendance and who recorded it). Headers and
 * choices in the reader's language (the console's own words); a cell a
 * spreadsheet would run as a formula is kept as text. Pure.
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../ledger/ledger.csv';
import { textAt, type Open311Language } from '../open311/labels';
import type { MonthReport } from '@minqing/shared';

export const SESSION_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type SessionExportFormat = (typeof SESSION_EXPORT_FORMATS)[number];

const SUMMARY = ['session', 'village', 'date', 'held', 'rostered', 'arrived', 'absent', 'notRecorded', 'casesOpened', 'casesResolved', 'casesOpen'] as const;
const LINES = ['session', 'date', 'cadre', 'cadreCode', 'attendance', 'reason', 'recordedBy', 'recordedAt'] as const;

const TOWNSHIP_OFFSET_MS = 8 * 3_600_000;
const localTime = (iso: string | null) => (iso ? new Date(Date.parse(iso) + TOWNSHIP_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ') : '');

function summaryRows(r: MonthReport, lang: Open311Language, villages: Map<string, string>): (string | number)[][] {
  return r.items.map((i) => [
    safeCell(i.sessionName), safeCell(villages.get(i.villageCode) ?? i.villageCode), i.date,
    textAt(lang, i.cancelled ? 'sessionReport.export.cancelled' : 'sessionReport.export.heldValue'),
    i.rostered, i.arrived, i.absent, i.notRecorded, i.casesOpened, i.casesResolved, i.casesOpen,
  ]);
}

function lineRows(r: MonthReport, lang: Open311Language): (string | number)[][] {
  return r.items.filter((i) => !i.cancelled).flatMap((i) => (i.roster ?? []).map((l) => [
    safeCell(i.sessionName), i.date, safeCell(l.name), l.cadreCode,
    l.status ? textAt(lang, `sessionReport.status.${l.status}`) : textAt(lang, 'sessionReport.status.none'),
    l.reason ? textAt(lang, `sessionReport.reason.${l.reason}`) : '',
    l.recordedBy ?? '', localTime(l.recordedAt),
  ]));
}

const header = (lang: Open311Language, cols: readonly string[]) => cols.map((c) => textAt(lang, `sessionReport.export.${c}`));

export function sessionReportCsv(r: MonthReport, lang: Open311Language, villages: Map<string, string>): string {
  return '\uFEFF' + stringify([header(lang, SUMMARY), ...summaryRows(r, lang, villages).map((row) => row.map(String))]);
}

export async function sessionReportXlsx(r: MonthReport, lang: Open311Language, villages: Map<string, string>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'minqing';
  const summary = wb.addWorksheet(textAt(lang, 'sessionReport.export.sheetSessions'));
  summary.addRow(header(lang, SUMMARY)).font = { bold: true };
  for (const row of summaryRows(r, lang, villages)) summary.addRow(row);
  const lines = wb.addWorksheet(textAt(lang, 'sessionReport.export.sheetAttendance'));
  lines.addRow(header(lang, LINES)).font = { bold: true };
  for (const row of lineRows(r, lang)) lines.addRow(row);
  const about = wb.addWorksheet(textAt(lang, 'sessionReport.export.sheetAbout'));
  about.addRow([textAt(lang, 'sessionReport.export.month'), r.month]);
  about.addRow([textAt(lang, 'sessionReport.export.first'), r.first]);
  about.addRow([textAt(lang, 'sessionReport.export.last'), r.last]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
