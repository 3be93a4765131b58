/**
 * The ledger as CSV for the assessment group and managers (看民情台帐): one row
 * per household or village of the reader's scope, a header row, the reader's
 * language (the console's own words, web/src/i18n), UTF-8 with a BOM so Excel
 * and WPS open Chinese text as UTF-8. A cell that a spreadsheet would run as a
 * formula (=, +, -, @ first) is prefixed with an apostrophe. Pure.
 */
import { stringify } from 'csv-stringify/sync';
import { LEDGER_FIELD_CHOICES, LEDGER_FIELDS, type LedgerData, type LedgerKind } from '@minqing/shared';
import { textAt, type Open311Language } from '../open311/labels';
import type { HouseholdListRow, VillageListRow } from './ledger.repository';

export type CsvLanguage = Open311Language;

/** What a spreadsheet would evaluate is kept as text. */
export function safeCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

const TOWNSHIP_OFFSET_MS = 8 * 3_600_000;
/** An instant as township time, 'YYYY-MM-DD HH:MM'. */
export function localTime(isoInstant: string | null): string {
  if (!isoInstant) return '';
  return new Date(Date.parse(isoInstant) + TOWNSHIP_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** One field's value as the reader reads it: choices by their labels, lists joined. */
function fieldCell(lang: CsvLanguage, field: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  const list = LEDGER_FIELD_CHOICES[field];
  const word = (v: string) => (list ? textAt(lang, `ledger.choice.${list}.${v}`) : v);
  if (Array.isArray(value)) return value.map((v) => word(String(v))).join(lang === 'en' ? '; ' : '；');
  return word(String(value));
}

function leaves(data: LedgerData | null, kind: LedgerKind): unknown[] {
  return LEDGER_FIELDS[kind].map((f) => {
    if (!data) return null;
    const [section, name] = f.split('.') as [string, string | undefined];
    const s = (data as unknown as Record<string, unknown>)[section];
    return name === undefined ? s : (s as Record<string, unknown> | undefined)?.[name];
  });
}

function csv(lang: CsvLanguage, head: string[], kind: LedgerKind, rows: { fixed: string[]; data: LedgerData | null }[]): string {
  const header = [...head.map((h) => textAt(lang, `ledger.csv.${h}`)), ...LEDGER_FIELDS[kind].map((f) => textAt(lang, `ledger.field.${kind}.${f}`))];
  const body = rows.map((r) => [...r.fixed, ...leaves(r.data, kind).map((v, i) => fieldCell(lang, LEDGER_FIELDS[kind][i]!, v))].map(safeCell));
  return `\uFEFF${stringify([header, ...body])}`;
}

export function householdCsv(rows: HouseholdListRow[], names: Map<string, string>, lang: CsvLanguage): string {
  const yes = textAt(lang, 'common.yes');
  const no = textAt(lang, 'common.no');
  return csv(
    lang,
    ['householdCode', 'village', 'headName', 'isKey', 'isVulnerable', 'cadre', 'version', 'updatedAt'],
    'household',
    rows.map((r) => ({
      fixed: [
        r.householdCode, names.get(`village:${r.villageCode}`) ?? r.villageCode, r.headName, r.isKey ? yes : no, r.isVulnerable ? yes : no,
        r.cadreCode ? (names.get(`cadre:${r.cadreCode}`) ?? r.cadreCode) : '', r.version ? String(r.version) : textAt(lang, 'ledger.notRecorded'), localTime(r.updatedAt),
      ],
      data: r.data,
    })),
  );
}

export function villageCsv(rows: VillageListRow[], names: Map<string, string>, lang: CsvLanguage): string {
  return csv(
    lang,
    ['villageCode', 'villageName', 'area', 'department', 'households', 'keyHouseholds', 'recordedHouseholds', 'version', 'updatedAt'],
    'village',
    rows.map((r) => ({
      fixed: [
        r.code, r.name, names.get(`area:${r.areaCode}`) ?? r.areaCode, names.get(`department:${r.departmentCode}`) ?? r.departmentCode,
        String(r.households), String(r.keyHouseholds), String(r.recordedHouseholds), r.version ? String(r.version) : textAt(lang, 'ledger.notRecorded'), localTime(r.updatedAt),
      ],
      data: r.data,
    })),
  );
}
