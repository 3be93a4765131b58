/**
 * 一听二看三查: the assessment group records an inspection of a cadre
 * (POST /inspections) — the report heard (听), the ledger and diary reviewed
 * (看: household codes, and the cadre's diary entries picked from their own
 * records), the households checked on the spot (查) — each part scored 0–100;
 * the server computes the score and grade (shared inspection.ts). The
 * township-wide roles read every inspection (GET /inspections), searchable and
 * paged. The recorder is the signed-in user, taken from the session.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { INSPECTION_OPERATIONS, type InspectionGrade } from '@minqing/shared/inspection';
import { api, withQuery, uuid, ApiError } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { useAction } from '../useAction';
import { todayLocal, useFormat } from '../format';
import { useDebounced } from '../useDebounced';

type Grade = InspectionGrade;

interface Inspection {
  id: string;
  cadreCode: string;
  cadreName: string | null;
  departmentCode: string | null;
  date: string;
  listen: { date: string; notes: string; score: number };
  look: { ledgerHouseholds: string[]; diaryRecords: string[]; findings: string; score: number };
  check: { households: string[]; findings: string; score: number };
  score: number;
  grade: Grade;
  recordedBy: string;
  recordedByName: string | null;
  recordedAt: string;
}

interface DiaryEntry { id: string; date: string; note: string }

const PAGE = 20;
/** Household codes typed in one box: separated by commas, spaces or the Chinese comma. */
const codesOf = (text: string) => [...new Set(text.split(/[\s,，、;；]+/).map((c) => c.trim()).filter(Boolean))];

export default function Inspections() {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const f = useFormat();
  const canRecord = (INSPECTION_OPERATIONS.recordInspection as readonly string[]).includes(me?.role ?? '');
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim(), 200);
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) => api<CursorPage<Inspection>>(withQuery('/inspections', { q: term || undefined, limit: PAGE, cursor }), { signal }),
    [term],
  );
  const list = useCursorList(load, term);

  return (
    <div className="page evaluation inspections">
      <div className="page-head">
        <h1>{t('inspection.title')}</h1>
      </div>
      <p className="muted small">{t('inspection.explain')}</p>
      {canRecord && <InspectionForm onSaved={list.reload} />}
      <section className="panel" data-testid="inspection-list">
        <div className="panel-head">
          <h2>{t('inspection.recorded')}</h2>
          <input type="search" data-testid="inspection-search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} placeholder={t('inspection.searchHint')} aria-label={t('inspection.search')} />
        </div>
        <ProblemBox problem={list.problem} />
        {!list.loading && list.items.length === 0 && !list.problem && <p className="muted" data-testid="inspection-empty">{t('inspection.empty')}</p>}
        {list.items.length > 0 && (
          <div className="table-wrap">
            <table className="table stack">
              <thead>
                <tr>
                  <th>{t('inspection.date')}</th>
                  <th>{t('evaluation.cadre')}</th>
                  <th>{t('inspection.listen')}</th>
                  <th>{t('inspection.look')}</th>
                  <th>{t('inspection.check')}</th>
                  <th>{t('inspection.result')}</th>
                  <th>{t('inspection.recordedBy')}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((i) => (
                  <tr key={i.id} data-testid="inspection-row" data-cadre={i.cadreCode} data-grade={i.grade}>
                    <td data-label={t('inspection.date')}><span className="cell">{i.date}</span></td>
                    <td data-label={t('evaluation.cadre')}><span className="cell">{i.cadreName ?? dir.cadre(i.cadreCode)} <small className="muted">{dir.department(i.departmentCode)}</small></span></td>
                    <td data-label={t('inspection.listen')}><span className="cell">{i.listen.score} · <small translate="no">{i.listen.notes}</small></span></td>
                    <td data-label={t('inspection.look')}>
                      <span className="cell">
                        {i.look.score} · <small>{t('inspection.lookCounts', { ledger: i.look.ledgerHouseholds.length, diary: i.look.diaryRecords.length })} <span translate="no">{i.look.findings}</span></small>
                      </span>
                    </td>
                    <td data-label={t('inspection.check')}><span className="cell">{i.check.score} · <small>{t('inspection.checkCount', { count: i.check.households.length })} <span translate="no">{i.check.findings}</span></small></span></td>
                    <td data-label={t('inspection.result')}><span className="cell"><strong className={`grade grade-${i.grade}`}>{t(`inspection.grade.${i.grade}`)}</strong> {i.score}</span></td>
                    <td data-label={t('inspection.recordedBy')}><span className="cell">{i.recordedByName ?? t('inspection.assessmentGroup')} · {f.dateTime(i.recordedAt)}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager list={list} testid="inspection-pager" />
      </section>
    </div>
  );
}

function InspectionForm({ onSaved }: { onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const me = useMe();
  const today = todayLocal();
  const [cadre, setCadre] = useState('');
  const [date, setDate] = useState(today);
  const [listenDate, setListenDate] = useState(today);
  const [notes, setNotes] = useState('');
  const [listenScore, setListenScore] = useState('');
  const [ledger, setLedger] = useState('');
  const [diary, setDiary] = useState<string[]>([]);
  const [lookFindings, setLookFindings] = useState('');
  const [lookScore, setLookScore] = useState('');
  const [checked, setChecked] = useState('');
  const [checkFindings, setCheckFindings] = useState('');
  const [checkScore, setCheckScore] = useState('');
  const [entries, setEntries] = useState<DiaryEntry[]>([]);
  const [saved, setSaved] = useState<{ name: string; grade: Grade; score: number } | null>(null);
  const entry = useAction();
  const keyRef = useRef(uuid());
  const collator = new Intl.Collator(i18n.language);
  const cadres = [...dir.cadres].filter((c) => c.role !== 'hall_staff').sort((a, b) => collator.compare(dir.department(a.departmentCode), dir.department(b.departmentCode)) || collator.compare(a.name, b.name));

  // The chosen cadre's latest diary entries (民情日记), to tick the ones reviewed.
  useEffect(() => {
    setDiary([]);
    setEntries([]);
    if (!cadre) return;
    const ctl = new AbortController();
    api<CursorPage<DiaryEntry>>(withQuery('/work-records', { cadre, kind: 'diary', limit: 20 }), { signal: ctl.signal })
      .then((page) => setEntries(page.items))
      .catch(() => setEntries([]));
    return () => ctl.abort();
  }, [cadre]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const body = {
      cadreCode: cadre, date,
      listen: { date: listenDate, notes: notes.trim(), score: Number(listenScore) },
      look: { ledgerHouseholds: codesOf(ledger), diaryRecords: diary, findings: lookFindings.trim(), score: Number(lookScore) },
      check: { households: codesOf(checked), findings: checkFindings.trim(), score: Number(checkScore) },
    };
    await entry.run(async () => {
      try {
        const r = await api<{ id: string; score: number; grade: Grade }>('/inspections', { body, headers: { 'Idempotency-Key': keyRef.current } });
        setSaved({ name: dir.cadre(cadre), grade: r.grade, score: r.score });
        keyRef.current = uuid();
        setNotes(''); setListenScore(''); setLedger(''); setDiary([]); setLookFindings(''); setLookScore(''); setChecked(''); setCheckFindings(''); setCheckScore('');
        onSaved();
      } catch (err) {
        if (err instanceof ApiError && err.problem.type === 'urn:minqing:problem:idempotency-key-reused') keyRef.current = uuid();
        throw err;
      }
    });
  }

  const score = (id: string, value: string, set: (v: string) => void, field: string) => (
    <label>
      {t('inspection.score')}
      <input data-testid={id} type="number" inputMode="numeric" min={0} max={100} step={1} required value={value} onChange={(e) => set(e.target.value)} />
      <FieldError problem={entry.problem} field={field} />
    </label>
  );

  return (
    <form className="panel form inspection-form" data-testid="inspection-form" onSubmit={submit}>
      <h2>{t('inspection.enter')}</h2>
      <div className="filters">
        <label>
          {t('evaluation.cadre')}
          <select data-testid="inspection-cadre" required value={cadre} onChange={(e) => setCadre(e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {cadres.map((c) => <option key={c.code} value={c.code}>{c.name} · {dir.department(c.departmentCode) || t('common.none')}</option>)}
          </select>
          <FieldError problem={entry.problem} field="cadreCode" />
        </label>
        <label>
          {t('inspection.date')}
          <input type="date" data-testid="inspection-date" required max={today} value={date} onChange={(e) => setDate(e.target.value)} />
          <FieldError problem={entry.problem} field="date" />
        </label>
      </div>
      <fieldset>
        <legend>{t('inspection.listenLegend')}</legend>
        <div className="filters">
          <label>
            {t('inspection.listenDate')}
            <input type="date" data-testid="inspection-listen-date" required max={date} value={listenDate} onChange={(e) => setListenDate(e.target.value)} />
            <FieldError problem={entry.problem} field="listen.date" />
          </label>
          {score('inspection-listen-score', listenScore, setListenScore, 'listen.score')}
        </div>
        <label>
          {t('inspection.notes')}
          <textarea data-testid="inspection-listen-notes" required maxLength={2000} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('inspection.lookLegend')}</legend>
        <label>
          {t('inspection.ledgerHouseholds')}
          <input data-testid="inspection-ledger" value={ledger} onChange={(e) => setLedger(e.target.value)} placeholder={t('inspection.codesHint')} autoComplete="off" />
          <FieldError problem={entry.problem} field="look.ledgerHouseholds" />
        </label>
        <div className="diary-pick" data-testid="inspection-diary">
          <span className="small">{t('inspection.diaryEntries')}</span>
          {cadre && entries.length === 0 && <span className="muted small"> {t('inspection.noDiary')}</span>}
          {entries.map((d) => (
            <label key={d.id} className="check">
              <input type="checkbox" data-testid="inspection-diary-entry" checked={diary.includes(d.id)} onChange={(e) => setDiary((x) => (e.target.checked ? [...x, d.id] : x.filter((y) => y !== d.id)))} />
              {d.date} <span translate="no">{d.note.slice(0, 40)}</span>
            </label>
          ))}
          <FieldError problem={entry.problem} field="look.diaryRecords" />
        </div>
        <div className="filters">{score('inspection-look-score', lookScore, setLookScore, 'look.score')}</div>
        <label>
          {t('inspection.findings')}
          <textarea data-testid="inspection-look-findings" required maxLength={2000} rows={2} value={lookFindings} onChange={(e) => setLookFindings(e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('inspection.checkLegend')}</legend>
        <label>
          {t('inspection.checkedHouseholds')}
          <input data-testid="inspection-checked" value={checked} onChange={(e) => setChecked(e.target.value)} placeholder={t('inspection.codesHint')} autoComplete="off" />
          <FieldError problem={entry.problem} field="check.households" />
        </label>
        <div className="filters">{score('inspection-check-score', checkScore, setCheckScore, 'check.score')}</div>
        <label>
          {t('inspection.findings')}
          <textarea data-testid="inspection-check-findings" required maxLength={2000} rows={2} value={checkFindings} onChange={(e) => setCheckFindings(e.target.value)} />
        </label>
      </fieldset>
      <p className="muted small">{t('inspection.scale')} · {t('appraisal.enteredAs', { name: me?.name ?? '' })}</p>
      <ProblemBox problem={entry.problem} />
      {saved && <p className="success" role="status" data-testid="inspection-saved" data-grade={saved.grade}>{t('inspection.saved', { name: saved.name, grade: t(`inspection.grade.${saved.grade}`), score: saved.score })}</p>}
      <div className="actions">
        <button type="submit" className="primary" data-testid="inspection-submit" disabled={entry.busy || !cadre}>
          {entry.busy ? t('common.saving') : t('inspection.save')}
        </button>
      </div>
    </form>
  );
}
