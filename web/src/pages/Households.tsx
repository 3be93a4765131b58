/**
 * A cadre's linked households (干部联户) and a quick work-record log of the
 * plan's six roles (kinds grouped by role, then the kind's own fields). The form
 * comes first on a phone (no scrolling past the list to reach it) and picks its
 * household by search, not from a long select. The list is searched on the
 * server and paged: every linked household, key households included, is
 * reachable however many there are.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isAbort, problemOf, uuid, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { maskPhone, todayLocal } from '../format';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { Loading, useEnum } from '../components/bits';
import type { Household } from '../types';
import { fieldsOfKind, isoWeekday, kindRule, KINDS_BY_ROLE, roleOfKind, WORK_FIELDS, type WorkField, type WorkKind } from '@minqing/shared/work-kinds';
import { useAction } from '../useAction';
import { HelpsPicker } from '../components/FourHelps';
import type { FourHelp } from '@minqing/shared/four-helps';
import { HouseholdNeeds, LedgerLink, useLedgerItems } from './ledger/HouseholdNeeds';
import { useDebounced } from '../useDebounced';

/**
 * Typing pauses this long before a search goes out: less than a keystroke's
 * interval, so a search rarely waits on it; an answer to an older term is dropped.
 */
const SEARCH_DEBOUNCE_MS = 60;
const PAGE = 50;

/** The household of a work record, found by name, address or phone among the cadre's linked households. */
function HouseholdPicker({ selected, onPick }: { selected: Household | null; onPick(h: Household | null): void }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim(), SEARCH_DEBOUNCE_MS);
  const [results, setResults] = useState<Household[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    if (!term) {
      setResults([]);
      return;
    }
    const ctl = new AbortController();
    setSearching(true);
    // POST: the name or phone searched for never goes into a URL.
    api<{ items: Household[] }>('/directory/households/search', { body: { q: term, limit: 8 }, signal: ctl.signal })
      .then((r) => {
        setResults(r.items);
        setProblem(null);
      })
      .catch((err) => !isAbort(err) && setProblem(problemOf(err)))
      .finally(() => !ctl.signal.aborted && setSearching(false));
    return () => ctl.abort();
  }, [term]);

  if (selected) {
    return (
      <p className="selected-household" data-testid="picked-household" data-household-code={selected.code}>
        <strong>{selected.headName}</strong> · {dir.village(selected.villageCode)} · {selected.address}{' '}
        <button type="button" className="link" data-testid="picked-household-clear" onClick={() => onPick(null)}>
          {t('intake.clearHousehold')}
        </button>
      </p>
    );
  }
  return (
    <div className="household-search">
      <input
        data-testid="field-householdSearch"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t('households.pickHint')}
        aria-label={t('households.pickHint')}
        autoComplete="off"
      />
      {searching && <span className="muted small">{t('common.searching')}</span>}
      <ProblemBox problem={problem} />
      {results.length > 0 && (
        <ul className="results" role="listbox">
          {results.map((h) => (
            <li key={h.code} role="option" aria-selected={false}>
              <button
                type="button"
                className="result"
                data-testid="household-pick"
                data-household-code={h.code}
                onClick={() => {
                  onPick(h);
                  setQ('');
                  setResults([]);
                }}
              >
                <strong>{h.headName}</strong>
                {h.isKey && <span className="tag key">{t('household.key')}</span>}
                <span className="muted">{dir.village(h.villageCode)}</span>
                <span className="muted small">{h.address}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {term && !searching && !problem && results.length === 0 && <p className="muted small">{t('households.noMatch')}</p>}
    </div>
  );
}

/** The most recent `weekday` (ISO, 1 = Monday) on or before `today` ('YYYY-MM-DD'). */
function lastWeekday(today: string, weekday: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  const back = (isoWeekday(today) - weekday + 7) % 7;
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

/**
 * The work-record form, from the table of kinds (shared work-kinds.ts): the
 * kind is chosen among its role's kinds (one list, grouped by the six roles),
 * then only that kind's fields are asked for — a holiday visit its household
 * and holiday, the Friday clean-up its village, place and people, dated the
 * last Friday. Usable on a 360 px phone in well under a minute.
 */
function WorkRecordForm({ household, onHousehold }: { household: Household | null; onHousehold(h: Household | null): void }) {
  const { t } = useTranslation();
  const label = useEnum();
  const me = useMe();
  const dir = useDirectory();
  const [kind, setKind] = useState<WorkKind>('visit');
  const [date, setDate] = useState(todayLocal());
  const [note, setNote] = useState('');
  const [values, setValues] = useState<Partial<Record<WorkField, string>>>({});
  // 四帮四促 tags of the record (optional)
  const [helps, setHelps] = useState<FourHelp[]>([]);
  const { busy, problem, run } = useAction();
  const [done, setDone] = useState<WorkKind | null>(null);
  // One key per record: a retry or a double tap logs it once; the next record gets a new one.
  const keyRef = useRef(uuid());
  const rule = kindRule(kind);
  const fields = fieldsOfKind(kind);
  const householdField = rule.fields.householdCode;
  // The village is the household's when the kind names one.
  const shown = fields.filter(([f]) => f !== 'householdCode' && f !== 'caseId' && !(f === 'villageCode' && householdField === 'required'));
  // The cadre's department's villages first.
  const villages = [...dir.villages].sort((a, b) => Number(b.departmentCode === me.departmentCode) - Number(a.departmentCode === me.departmentCode));
  const fieldLabel = (f: WorkField) => t(`workFieldFor.${kind}.${f}`, { defaultValue: t(`workField.${f}`) });
  const set = (f: WorkField, v: string) => setValues((prev) => ({ ...prev, [f]: v }));
  const wrongDay = rule.weekday !== undefined && isoWeekday(date) !== rule.weekday;

  function choose(next: WorkKind) {
    setKind(next);
    setDone(null);
    const weekday = kindRule(next).weekday;
    if (weekday !== undefined) setDate(lastWeekday(todayLocal(), weekday));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    await run(async () => {
      const body: Record<string, string | number | FourHelp[]> = { kind, date, note: note.trim() };
      if (helps.length) body.helps = helps;
      if (household && householdField) body.householdCode = household.code;
      for (const [f, presence] of shown) {
        // a required village defaults to the first offered (the department's), as the select shows it
        const v = (values[f] ?? (f === 'villageCode' && presence === 'required' ? villages[0]?.code : undefined) ?? '').trim();
        if (v === '') continue;
        body[f] = WORK_FIELDS[f].type === 'count' ? Number(v) : v;
      }
      await api('/work-records', { body, headers: { 'Idempotency-Key': keyRef.current } });
      keyRef.current = uuid();
      setDone(kind);
      setNote('');
      setHelps([]);
      setValues((prev) => (prev.villageCode ? { villageCode: prev.villageCode } : {}));
    });
  }

  return (
    <form className="panel form" id="work-record-form" data-testid="work-record-form" onSubmit={submit}>
      <h2>{t('households.logTitle')}</h2>
      <div className="grid-2">
        <label>
          {t('field.kind')}
          <select data-testid="field-kind" value={kind} onChange={(e) => choose(e.target.value as WorkKind)}>
            {KINDS_BY_ROLE.map(({ role, kinds }) => (
              <optgroup key={role} label={label('workRole', role)}>
                {kinds.map((k) => (
                  <option key={k} value={k}>{label('workKind', k)}</option>
                ))}
              </optgroup>
            ))}
          </select>
          <small className="muted" data-testid="work-record-role" data-role={rule.role}>
            {t('households.asRole', { role: label('workRole', rule.role) })}
          </small>
        </label>
        <label>
          {t('field.date')}
          <input data-testid="field-date" type="date" value={date} max={todayLocal()} onChange={(e) => setDate(e.target.value)} />
          {rule.weekday !== undefined && (
            <small className={wrongDay ? 'field-error' : 'muted'} data-testid="weekday-hint">{t('households.weekdayOnly', { day: t(`sessions.weekday.${rule.weekday}`) })}</small>
          )}
          <FieldError problem={problem} field="date" />
        </label>
      </div>
      {householdField && (
        <div className="field">
          <span>
            {t('field.householdCode')}
            {householdField === 'optional' && <small className="muted"> {t('common.optional')}</small>}
          </span>
          <HouseholdPicker selected={household} onPick={onHousehold} />
          <FieldError problem={problem} field="householdCode" />
        </div>
      )}
      {shown.length > 0 && (
        <div className="grid-2">
          {shown.map(([f, presence]) => {
            const spec = WORK_FIELDS[f];
            const optional = presence === 'optional' && <small className="muted"> {t('common.optional')}</small>;
            return (
              <label key={f}>
                <span>{fieldLabel(f)}{optional}</span>
                {f === 'villageCode' ? (
                  <select data-testid="field-villageCode" value={values.villageCode ?? (presence === 'required' ? (villages[0]?.code ?? '') : '')} onChange={(e) => set(f, e.target.value)}>
                    {presence === 'optional' && <option value="">{t('common.none')}</option>}
                    {villages.map((v) => <option key={v.code} value={v.code}>{v.name}</option>)}
                  </select>
                ) : spec.type === 'choice' ? (
                  <select data-testid={`field-${f}`} value={values[f] ?? ''} required={presence === 'required'} onChange={(e) => set(f, e.target.value)}>
                    <option value="">{t('common.choose')}</option>
                    {spec.values.map((v) => <option key={v} value={v}>{t(`workChoice.${f}.${v}`)}</option>)}
                  </select>
                ) : spec.type === 'count' ? (
                  <input data-testid={`field-${f}`} type="number" inputMode="numeric" min={1} max={spec.max} step={1} value={values[f] ?? ''} required={presence === 'required'} onChange={(e) => set(f, e.target.value)} />
                ) : (
                  <input data-testid={`field-${f}`} type="text" maxLength={'maxLength' in spec ? spec.maxLength : undefined} value={values[f] ?? ''} required={presence === 'required'} onChange={(e) => set(f, e.target.value)} />
                )}
                <FieldError problem={problem} field={f} />
              </label>
            );
          })}
        </div>
      )}
      <label>
        {t('field.note')}
        <textarea data-testid="field-note" value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={5000} />
        <FieldError problem={problem} field="note" />
      </label>
      <HelpsPicker value={helps} onChange={setHelps} testid="work-helps" />
      <ProblemBox problem={problem} />
      {done && (
        <p className="success" role="status" data-testid="work-record-done" data-kind={done}>
          {t('households.logDoneKind', { kind: label('workKind', done), role: label('workRole', roleOfKind(done)) })}
        </p>
      )}
      <button type="submit" className="primary big" data-testid="work-record-submit" disabled={busy}>
        {busy ? t('common.saving') : t('households.logSubmit')}
      </button>
    </form>
  );
}

export default function Households() {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const [filter, setFilter] = useState('');
  const [keyOnly, setKeyOnly] = useState(false);
  const [household, setHousehold] = useState<Household | null>(null);
  const [counts, setCounts] = useState<{ linkedHouseholds: number; keyHouseholds: number } | null>(null);
  const formRef = useRef<HTMLDivElement>(null);
  const term = useDebounced(filter.trim(), SEARCH_DEBOUNCE_MS);

  useEffect(() => {
    if (!me.cadreCode) return;
    api<{ linkedHouseholds: number; keyHouseholds: number }>(`/directory/cadres/${encodeURIComponent(me.cadreCode)}`)
      .then(setCounts)
      .catch(() => setCounts(null));
  }, [me.cadreCode]);

  // The server searches and pages the cadre's own households (a cadre's search is limited to them there).
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal): Promise<CursorPage<Household>> =>
      me.cadreCode
        ? api<CursorPage<Household>>('/directory/households/search', {
            body: { cadre: me.cadreCode, limit: PAGE, ...(term ? { q: term } : {}), ...(keyOnly ? { isKey: true } : {}), ...(cursor ? { cursor } : {}) },
            signal,
          })
        : Promise.resolve({ items: [], nextCursor: null, total: 0 }),
    [me.cadreCode, term, keyOnly],
  );
  const list = useCursorList(load, `${me.cadreCode}|${term}|${keyOnly}`);
  // key households' needs from their files (民情档案), shown to their linked cadre under each row
  const ledgerItems = useLedgerItems(list.items.filter((h) => h.isKey).map((h) => h.code));

  function logVisit(h: Household) {
    setHousehold(h);
    formRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    setTimeout(() => document.querySelector<HTMLTextAreaElement>('[data-testid="field-note"]')?.focus({ preventScroll: true }), 300);
  }

  return (
    <div className="page households">
      <h1>{t('households.title')}</h1>
      <div className="two-col households-cols">
        <div ref={formRef} className="work-record-col">
          <WorkRecordForm household={household} onHousehold={setHousehold} />
        </div>
        <section className="panel">
          <div className="panel-head">
            <h2>
              {t('households.linked')} <span className="count" data-testid="linked-count">{counts?.linkedHouseholds ?? list.total ?? '…'}</span>
              {counts && <small className="muted"> {t('households.keyCount', { count: counts.keyHouseholds })}</small>}
            </h2>
          </div>
          <div className="filters household-filters">
            <input
              type="search"
              className="filter"
              data-testid="households-filter"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder={t('households.filter')}
              aria-label={t('households.filter')}
              autoComplete="off"
            />
            <label className="check">
              <input type="checkbox" data-testid="households-key-only" checked={keyOnly} onChange={(e) => setKeyOnly(e.target.checked)} /> {t('households.keyOnly')}
            </label>
          </div>
          <ProblemBox problem={list.problem} />
          {list.loading && !list.problem && <Loading />}
          {!list.loading && list.items.length === 0 && <p className="muted" data-testid="households-none">{term ? t('households.noMatch') : t('households.none')}</p>}
          <ul className="household-list" data-testid="household-list" aria-busy={list.busy}>
            {list.items.map((h) => (
              <li key={h.code} className={h.isKey ? 'household-row key' : 'household-row'} data-testid="household-row" data-household-code={h.code} data-key={h.isKey}>
                <div>
                  <strong>{h.headName}</strong>
                  {h.isKey && <span className="tag key">{t('household.key')}</span>}
                  {h.isVulnerable && <span className="tag vulnerable">{t('household.vulnerable')}</span>}
                  <div className="meta">
                    <span>{dir.village(h.villageCode)}</span>
                    <span>{h.address}</span>
                    <span className="mono">{maskPhone(h.phone)}</span>
                    <span>{t('households.members', { count: h.members })}</span>
                  </div>
                  {h.isKey && <HouseholdNeeds item={ledgerItems.get(h.code)} />}
                </div>
                <div className="household-actions">
                  <LedgerLink code={h.code} />
                  <button type="button" className="secondary" data-testid="log-visit" onClick={() => logVisit(h)}>
                    {t('households.logVisit')}
                  </button>
                </div>
              </li>
            ))}
          </ul>
          <Pager list={list} testid="households-pager" />
        </section>
      </div>
    </div>
  );
}
