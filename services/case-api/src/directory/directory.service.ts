/**
 * Rules of the roster: an import is validated row by row (schema and
 * references, against the document itself and what is stored) and applied
 * whole or not at all; CSV is one entity per file, with camelCase headers.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import {
  AreaSchema, CadreSchema, CASE_CATEGORIES, DepartmentSchema, DomainError, HouseholdSchema, RoutingRuleSchema, ServicePointSchema,
  SessionSchema, VillageSchema, type DirectoryDocument,
} from '@minqing/shared';
import type { DirectoryRepository, RuleViolation } from './directory.repository';

export const ENTITIES = ['areas', 'departments', 'villages', 'cadres', 'households', 'servicePoints', 'sessions', 'routingRules'] as const;
export type Entity = (typeof ENTITIES)[number];

export interface RowError {
  entity: Entity;
  /** 1-based row in the document's array, or the CSV data line */
  row: number;
  field: string;
  message: string;
}

export class DirectoryImportError extends DomainError {
  constructor(errors: RowError[]) {
    const shown = errors.slice(0, 500);
    super('urn:minqing:problem:directory-import-invalid', 422, 'The roster has invalid rows; nothing was imported', `${errors.length} invalid field(s); see errors`, {
      errors: shown,
      totalErrors: errors.length,
    });
  }
}

const SCHEMAS: Record<Entity, TSchema> = {
  areas: AreaSchema,
  departments: DepartmentSchema,
  villages: VillageSchema,
  cadres: CadreSchema,
  households: HouseholdSchema,
  servicePoints: ServicePointSchema,
  sessions: SessionSchema,
  routingRules: RoutingRuleSchema,
};
const checks = Object.fromEntries(ENTITIES.map((e) => [e, TypeCompiler.Compile(SCHEMAS[e])])) as Record<Entity, TypeCheck<TSchema>>;
const keyOf = (entity: Entity, row: Record<string, unknown>) => String(entity === 'routingRules' ? row.category : row.code);

/** Column order for CSV: the schema's properties. */
const columns = (entity: Entity) => Object.keys((SCHEMAS[entity] as unknown as { properties: Record<string, unknown> }).properties);
const BOOLEAN = new Set(['isKey', 'isVulnerable']);
const INTEGER = new Set(['members', 'weekday']);
const NULLABLE = new Set(['leaderCode', 'headCode', 'departmentCode', 'phone', 'idTail', 'address', 'cadreCode', 'villageCode']);

export class DirectoryService {
  constructor(private readonly repo: DirectoryRepository) {}

  async validate(doc: Partial<DirectoryDocument>): Promise<RowError[]> {
    const errors: RowError[] = [];
    const stored = await this.repo.existingCodes();
    const known = {
      areas: new Set([...stored.areas, ...(doc.areas ?? []).map((r) => r.code)]),
      departments: new Set([...stored.departments, ...(doc.departments ?? []).map((r) => r.code)]),
      villages: new Set([...stored.villages, ...(doc.villages ?? []).map((r) => r.code)]),
      cadres: new Set([...stored.cadres, ...(doc.cadres ?? []).map((r) => r.code)]),
    };
    const ref = (entity: Entity, row: number, field: string, value: unknown, set: Set<string>, what: string) => {
      if (value !== null && value !== undefined && !set.has(String(value))) errors.push({ entity, row, field, message: `${what} ${JSON.stringify(value)} does not exist` });
    };
    for (const entity of ENTITIES) {
      const rows = (doc[entity] ?? []) as Record<string, unknown>[];
      if (!Array.isArray(rows)) {
        errors.push({ entity, row: 0, field: '', message: 'must be an array' });
        continue;
      }
      const seen = new Map<string, number>();
      rows.forEach((r, i) => {
        const row = i + 1;
        if (!checks[entity].Check(r)) {
          for (const e of checks[entity].Errors(r)) {
            const field = e.path.replace(/^\//, '') || '(row)';
            // TypeBox reports a failed nullable field as a failed union; say what was expected instead.
            const message = e.message === 'Expected union value' ? `has an invalid value ${JSON.stringify(e.value)}` : e.message;
            if (!errors.some((x) => x.entity === entity && x.row === row && x.field === field)) errors.push({ entity, row, field, message });
          }
          return;
        }
        const key = keyOf(entity, r);
        if (seen.has(key)) errors.push({ entity, row, field: entity === 'routingRules' ? 'category' : 'code', message: `duplicate of row ${seen.get(key)}` });
        seen.set(key, row);
        switch (entity) {
          case 'villages':
            ref(entity, row, 'areaCode', r.areaCode, known.areas, 'area');
            ref(entity, row, 'departmentCode', r.departmentCode, known.departments, 'department');
            break;
          case 'areas':
            ref(entity, row, 'leaderCode', r.leaderCode, known.cadres, 'cadre');
            break;
          case 'departments':
            ref(entity, row, 'headCode', r.headCode, known.cadres, 'cadre');
            break;
          case 'cadres':
            ref(entity, row, 'departmentCode', r.departmentCode, known.departments, 'department');
            break;
          case 'households':
            ref(entity, row, 'villageCode', r.villageCode, known.villages, 'village');
            ref(entity, row, 'cadreCode', r.cadreCode, known.cadres, 'cadre');
            break;
          case 'servicePoints':
          case 'sessions':
            ref(entity, row, 'villageCode', r.villageCode, known.villages, 'village');
            if (entity === 'sessions') (r.dutyCadreCodes as string[]).forEach((c, k) => ref(entity, row, `dutyCadreCodes/${k}`, c, known.cadres, 'cadre'));
            break;
          case 'routingRules':
            if (!CASE_CATEGORIES.includes(r.category as never)) errors.push({ entity, row, field: 'category', message: `unknown category; one of ${CASE_CATEGORIES.join(', ')}` });
            ref(entity, row, 'departmentCode', r.departmentCode, known.departments, 'department');
            break;
        }
      });
    }
    return errors;
  }

  /** Validate, then apply whole; answers what was imported and which plan rules the roster now breaks. */
  async import(doc: Partial<DirectoryDocument>): Promise<{ imported: Record<string, number>; violations: RuleViolation[] }> {
    const errors = await this.validate(doc);
    if (errors.length) throw new DirectoryImportError(errors);
    const imported = await this.repo.upsert(doc);
    return { imported, violations: await this.repo.ruleCheck() };
  }

  parseCsv(entity: Entity, text: string): Partial<DirectoryDocument> {
    let records: Record<string, string>[];
    try {
      records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    } catch (err) {
      throw new DirectoryImportError([{ entity, row: 0, field: '', message: `not valid CSV: ${(err as Error).message}` }]);
    }
    const rows = records.map((rec) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rec)) {
        if (BOOLEAN.has(k)) out[k] = v === 'true' ? true : v === 'false' ? false : v;
        else if (INTEGER.has(k)) out[k] = /^-?\d+$/.test(v) ? Number(v) : v;
        else if (k === 'dutyCadreCodes') out[k] = v ? v.split(';').map((s) => s.trim()).filter(Boolean) : [];
        else if (NULLABLE.has(k) && v === '') out[k] = null;
        else out[k] = v;
      }
      return out;
    });
    return { [entity]: rows } as Partial<DirectoryDocument>;
  }

  async exportCsv(entity: Entity): Promise<string> {
    const doc = await this.repo.exportDocument();
    const cols = columns(entity);
    const rows = (doc[entity] as unknown as Record<string, unknown>[]).map((r) =>
      cols.map((c) => {
        const v = r[c];
        if (v === null || v === undefined) return '';
        if (Array.isArray(v)) return v.join(';');
        return String(v);
      }),
    );
    return stringify([cols, ...rows]);
  }
}
