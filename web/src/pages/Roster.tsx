/**
 * Roster administration (三联 directory). Managers read the rule check — where
 * the roster breaks the plan, worded per rule with the names concerned.
 * Administrators also export and import one part of the roster as CSV, and
 * change a household's linked cadre (干部联户) or a village's department and
 * area (部门联村); every change is audited by the API and answers the rule check
 * afresh. Which parts show follows the shared roster operations table.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { mayUse, ROSTER_ENTITIES, ROSTER_OPERATIONS, type RosterEntity, type RosterRule } from '@minqing/shared/console-access';
import { api, ApiError, problemOf, type Problem } from '../api';
import { useMe } from '../auth';
import { clearDirectoryCache, useDirectory, type Directory } from '../directory';
import { Pager } from '../components/Pager';
import { ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { useAction } from '../useAction';
import { useLocalList } from '../localList';
import type { Household } from '../types';

interface Violation {
  rule: RosterRule;
  entity: 'areas' | 'cadres' | 'villages' | 'departments';
  subject: string;
  params?: Record<string, number>;
}
interface RuleCheck {
  ok: boolean;
  violationCount: number;
  byRule: Record<string, number>;
  violations: Violation[];
}
interface ImportResult extends Omit<RuleCheck, 'ok'> {
  imported: Record<string, number>;
}
interface RowError {
  entity: string;
  row: number;
  line?: number;
  field: string;
  message: string;
}

function subjectName(v: Violation, dir: Directory): string {
  switch (v.entity) {
    case 'areas': return dir.area(v.subject);
    case 'cadres': return dir.cadre(v.subject);
    case 'villages': return dir.village(v.subject);
    case 'departments': return dir.department(v.subject);
  }
}

function RuleCheckPanel({ check, dir }: { check: RuleCheck; dir: Directory }) {
  const { t } = useTranslation();
  const [rule, setRule] = useState('');
  const [search, setSearch] = useState('');
  const shown = rule ? check.violations.filter((v) => v.rule === rule) : check.violations;
  const text = (v: Violation) => t(`roster.rule.${v.rule}.${v.entity}`, { name: subjectName(v, dir), ...v.params });
  const list = useLocalList(shown, search, (v) => `${subjectName(v, dir)} ${text(v)}`, 20, `${rule}|${check.violationCount}|${dir.cadres.length}`);
  return (
    <section className="panel" data-testid="rule-check">
      <div className="panel-head">
        <h2>{t('roster.ruleCheck')}</h2>
        <strong data-testid="rule-check-summary" className={check.ok ? 'success' : 'warning'}>
          {check.ok ? t('roster.ruleCheckOk') : t('roster.ruleCheckCount', { count: check.violationCount })}
        </strong>
      </div>
      <ul className="rule-counts" data-testid="rule-counts">
        {Object.entries(check.byRule).map(([r, n]) => (
          <li key={r} data-rule={r}>
            <button type="button" className={rule === r ? 'link active' : 'link'} onClick={() => setRule(rule === r ? '' : r)} disabled={n === 0}>
              {t(`roster.ruleName.${r}`)}：{n}
            </button>
          </li>
        ))}
      </ul>
      {check.violations.length > 0 && (
        <>
          <input type="search" data-testid="rule-check-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('roster.searchViolations')} aria-label={t('roster.searchViolations')} />
          <ul className="plain-list" data-testid="violations">
            {list.items.map((v, i) => (
              <li key={`${v.rule}/${v.entity}/${v.subject}/${i}`} data-testid="violation" data-rule={v.rule}>{text(v)}</li>
            ))}
          </ul>
          <Pager list={list} testid="violations-pager" />
        </>
      )}
    </section>
  );
}

function CsvPanel({ onImported }: { onImported(r: ImportResult): void }) {
  const { t, i18n } = useTranslation();
  const [entity, setEntity] = useState<RosterEntity>('households');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [rowErrors, setRowErrors] = useState<RowError[]>([]);
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setResult(null);
    setRowErrors([]);
    await action.run(async () => {
      const text = await file.text();
      try {
        const r = await api<ImportResult>(`/directory/csv/${entity}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, raw: text });
        setResult(r);
        clearDirectoryCache();
        onImported(r);
      } catch (err) {
        if (err instanceof ApiError && err.status === 422) setRowErrors((err.problem as unknown as { errors?: RowError[] }).errors ?? []);
        throw err;
      }
    });
  }
  return (
    <section className="panel" data-testid="roster-csv">
      <h2>{t('roster.csv')}</h2>
      <form className="form" onSubmit={submit}>
        <div className="filters">
          <label>
            {t('roster.entity')}
            <select data-testid="roster-entity" value={entity} onChange={(e) => setEntity(e.target.value as RosterEntity)}>
              {ROSTER_ENTITIES.map((x) => <option key={x} value={x}>{t(`roster.entities.${x}`)}</option>)}
            </select>
          </label>
          <div className="actions">
            <a className="button secondary" data-testid="roster-export" href={`/api/v1/directory/csv/${entity}`} download={`${entity}.csv`}>
              {t('roster.export')}
            </a>
          </div>
          <label>
            {t('roster.file')}
            <input type="file" data-testid="roster-file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </label>
          <div className="actions">
            <button type="submit" className="primary" data-testid="roster-import" disabled={!file || action.busy}>
              {action.busy ? t('common.saving') : t('roster.import')}
            </button>
          </div>
        </div>
        <p className="muted small">{t('roster.csvHint')}</p>
      </form>
      {rowErrors.length > 0 ? (
        <div className="problem" role="alert" data-testid="roster-import-errors">
          <strong>{t('roster.importRefused')}</strong>
          <ul>
            {rowErrors.map((r, i) => (
              <li key={i}>
                {t('roster.rowError', { row: r.row, line: r.line ?? r.row + 1, field: t(`roster.field.${r.field}`, { defaultValue: r.field }) })}
                {i18n.language.startsWith('en') && <> — {r.message}</>}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <ProblemBox problem={action.problem} />
      )}
      {result && (
        <p className="success" role="status" data-testid="roster-imported">
          {t('roster.imported', { count: result.imported[entity] ?? 0, entity: t(`roster.entities.${entity}`), violations: result.violationCount })}
        </p>
      )}
    </section>
  );
}

function LinksPanel({ dir, onChanged }: { dir: Directory; onChanged(c: RuleCheck): void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Household[] | null>(null);
  const [household, setHousehold] = useState<Household | null>(null);
  const [cadre, setCadre] = useState('');
  const [village, setVillage] = useState('');
  const [dept, setDept] = useState('');
  const [area, setArea] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const search = useAction();
  const save = useAction();
  const collator = new Intl.Collator('zh-CN');
  const staff = dir.cadres.filter((c) => c.departmentCode).sort((a, b) => collator.compare(dir.department(a.departmentCode), dir.department(b.departmentCode)) || collator.compare(a.name, b.name));

  async function find(e: FormEvent) {
    e.preventDefault();
    if (!q.trim()) return;
    await search.run(async () => {
      setFound((await api<{ items: Household[] }>('/directory/households/search', { body: { q: q.trim(), limit: 10 } })).items);
    });
  }
  async function saveHousehold(e: FormEvent) {
    e.preventDefault();
    if (!household) return;
    setDone(null);
    await save.run(async () => {
      const r = await api<{ after: Household; ruleCheck: RuleCheck }>(`/directory/households/${encodeURIComponent(household.code)}/links`, { method: 'PUT', body: { cadreCode: cadre } });
      setHousehold(r.after);
      setDone(t('roster.householdLinked', { household: r.after.headName, cadre: dir.cadre(r.after.cadreCode) }));
      onChanged(r.ruleCheck);
    });
  }
  async function saveVillage(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    await save.run(async () => {
      const r = await api<{ after: { code: string; departmentCode: string; areaCode: string }; ruleCheck: RuleCheck }>(`/directory/villages/${encodeURIComponent(village)}/links`, { method: 'PUT', body: { departmentCode: dept, areaCode: area } });
      clearDirectoryCache();
      setDone(t('roster.villageLinked', { village: dir.village(r.after.code), department: dir.department(r.after.departmentCode), area: dir.area(r.after.areaCode) }));
      onChanged(r.ruleCheck);
    });
  }
  return (
    <section className="panel" data-testid="roster-links">
      <h2>{t('roster.links')}</h2>
      {done && <p className="success" role="status" data-testid="roster-links-done">{done}</p>}
      <ProblemBox problem={save.problem} />
      <h3>{t('roster.householdLinks')}</h3>
      <form className="roster-find" onSubmit={find}>
        <input type="search" data-testid="link-household-q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('roster.householdSearch')} aria-label={t('roster.householdSearch')} maxLength={100} />
        <button type="submit" className="secondary" data-testid="link-household-find" disabled={search.busy}>{t('roster.find')}</button>
      </form>
      <ProblemBox problem={search.problem} />
      {found && found.length === 0 && <p className="muted">{t('roster.noHousehold')}</p>}
      {found && found.length > 0 && !household && (
        <ul className="plain-list" data-testid="link-household-results">
          {found.map((h) => (
            <li key={h.code}>
              <button type="button" className="link" data-testid="link-household-pick" onClick={() => { setHousehold(h); setCadre(h.cadreCode ?? ''); }}>
                {h.headName} · {dir.village(h.villageCode)} · {t('roster.linkedTo', { cadre: dir.cadre(h.cadreCode) || t('common.none') })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {household && (
        <form className="form" data-testid="link-household-form" onSubmit={saveHousehold}>
          <p>
            <strong>{household.headName}</strong> · {dir.village(household.villageCode)}{' '}
            <button type="button" className="link" onClick={() => setHousehold(null)}>{t('roster.otherHousehold')}</button>
          </p>
          <label>
            {t('roster.linkedCadre')}
            <select data-testid="link-household-cadre" value={cadre} onChange={(e) => setCadre(e.target.value)}>
              {staff.map((c) => <option key={c.code} value={c.code}>{c.name} · {dir.department(c.departmentCode)}</option>)}
            </select>
          </label>
          <div className="actions">
            <button type="submit" className="primary" data-testid="link-household-save" disabled={save.busy || cadre === household.cadreCode}>{t('roster.save')}</button>
          </div>
        </form>
      )}
      <h3>{t('roster.villageLinks')}</h3>
      <form className="form" data-testid="link-village-form" onSubmit={saveVillage}>
        <div className="filters">
          <label>
            {t('roster.village')}
            <select data-testid="link-village" value={village} onChange={(e) => {
              const v = dir.villages.find((x) => x.code === e.target.value);
              setVillage(e.target.value);
              setDept(v?.departmentCode ?? '');
              setArea(v?.areaCode ?? '');
            }}>
              <option value="">{t('common.choose')}</option>
              {dir.villages.map((v) => <option key={v.code} value={v.code}>{v.name}</option>)}
            </select>
          </label>
          <label>
            {t('roster.linkedDepartment')}
            <select data-testid="link-village-department" value={dept} disabled={!village} onChange={(e) => setDept(e.target.value)}>
              {dir.departments.map((d) => <option key={d.code} value={d.code}>{d.name}</option>)}
            </select>
          </label>
          <label>
            {t('roster.area')}
            <select data-testid="link-village-area" value={area} disabled={!village} onChange={(e) => setArea(e.target.value)}>
              {dir.areas.map((a) => <option key={a.code} value={a.code}>{a.name}</option>)}
            </select>
          </label>
          <div className="actions">
            <button type="submit" className="primary" data-testid="link-village-save" disabled={!village || save.busy}>{t('roster.save')}</button>
          </div>
        </div>
      </form>
    </section>
  );
}

export default function Roster() {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const [check, setCheck] = useState<RuleCheck | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = useCallback(async () => {
    try {
      setCheck(await api<RuleCheck>('/directory/rule-check'));
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const admin = (op: keyof typeof ROSTER_OPERATIONS) => mayUse(ROSTER_OPERATIONS, op, me?.role);

  return (
    <div className="page roster">
      <div className="page-head">
        <h1>{t('roster.title')}</h1>
      </div>
      {admin('importDirectoryCsv') && <CsvPanel onImported={() => void load()} />}
      {admin('setHouseholdLinks') && <LinksPanel dir={dir} onChanged={(c) => setCheck(c)} />}
      <ProblemBox problem={problem} />
      {!check && !problem && <Loading />}
      {check && <RuleCheckPanel check={check} dir={dir} />}
    </div>
  );
}
