/** A cadre's linked households (干部联户), key households first, and a quick work-record log. */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { maskPhone, todayLocal } from '../format';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { Loading, useEnum } from '../components/bits';
import type { Household } from '../types';
import { useAction } from '../useAction';

const KINDS = ['visit', 'diary', 'household_file'] as const;

function WorkRecordForm({ households, householdCode, onHousehold }: { households: Household[]; householdCode: string; onHousehold(code: string): void }) {
  const { t } = useTranslation();
  const label = useEnum();
  const [kind, setKind] = useState<string>('visit');
  const [date, setDate] = useState(todayLocal());
  const [note, setNote] = useState('');
  const { busy, problem, run } = useAction();
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    await run(async () => {
      const body: Record<string, string> = { kind, date, note: note.trim() };
      if (householdCode) body.householdCode = householdCode;
      await api('/work-records', { body });
      setDone(true);
      setNote('');
    });
  }

  return (
    <form className="panel form" id="work-record-form" data-testid="work-record-form" onSubmit={submit}>
      <h2>{t('households.logTitle')}</h2>
      <div className="grid-2">
        <label>
          {t('field.kind')}
          <select data-testid="field-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>{label('workKind', k)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('field.date')}
          <input data-testid="field-date" type="date" value={date} max={todayLocal()} onChange={(e) => setDate(e.target.value)} />
          <FieldError problem={problem} field="date" />
        </label>
      </div>
      <label>
        {t('field.householdCode')}
        <select data-testid="field-householdCode" value={householdCode} onChange={(e) => onHousehold(e.target.value)}>
          <option value="">{kind === 'diary' ? t('households.noHousehold') : t('common.choose')}</option>
          {households.map((h) => (
            <option key={h.code} value={h.code}>
              {h.headName} · {h.address ?? h.code}
            </option>
          ))}
        </select>
        <FieldError problem={problem} field="householdCode" />
      </label>
      <label>
        {t('field.note')}
        <textarea data-testid="field-note" value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={5000} />
        <FieldError problem={problem} field="note" />
      </label>
      <ProblemBox problem={problem} />
      {done && (
        <p className="success" role="status" data-testid="work-record-done">
          {t('households.logDone')}
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
  const [items, setItems] = useState<Household[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [filter, setFilter] = useState('');
  const [householdCode, setHouseholdCode] = useState('');
  const formRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!me.cadreCode) {
      setItems([]);
      return;
    }
    api<{ items: Household[] }>('/directory/households/search', { body: { cadre: me.cadreCode, limit: 100 } })
      .then((r) => setItems([...r.items].sort((a, b) => Number(b.isKey) - Number(a.isKey) || a.headName.localeCompare(b.headName))))
      .catch((err) => setProblem(problemOf(err)));
  }, [me.cadreCode]);

  const shown = useMemo(() => {
    const q = filter.trim();
    if (!items || !q) return items ?? [];
    return items.filter((h) => h.headName.includes(q) || (h.address ?? '').includes(q) || (h.phone ?? '').includes(q));
  }, [items, filter]);

  function logVisit(code: string) {
    setHouseholdCode(code);
    formRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    setTimeout(() => document.querySelector<HTMLTextAreaElement>('[data-testid="field-note"]')?.focus({ preventScroll: true }), 300);
  }

  return (
    <div className="page households">
      <h1>{t('households.title')}</h1>
      <div className="two-col">
        <section className="panel">
          <div className="panel-head">
            <h2>
              {t('households.linked')} <span className="count">{items?.length ?? 0}</span>
              {items && <small className="muted"> {t('households.keyCount', { count: items.filter((h) => h.isKey).length })}</small>}
            </h2>
            <input type="search" className="filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={t('households.filter')} aria-label={t('households.filter')} />
          </div>
          <ProblemBox problem={problem} />
          {!items && !problem && <Loading />}
          {items && items.length === 0 && <p className="muted">{t('households.none')}</p>}
          <ul className="household-list">
            {shown.map((h) => (
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
                </div>
                <button type="button" className="secondary" data-testid="log-visit" onClick={() => logVisit(h.code)}>
                  {t('households.logVisit')}
                </button>
              </li>
            ))}
          </ul>
        </section>
        <div ref={formRef}>
          <WorkRecordForm households={items ?? []} householdCode={householdCode} onHousehold={setHouseholdCode} />
        </div>
      </div>
    </div>
  );
}
