/**
 * Hall intake, built for speed at the window: find the household, fill the
 * request, submit, hand over the receipt; below, the cases opened here, with
 * the callback (follow-up) and close steps the hall does.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, ApiError, isAbort, problemOf, uuid, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { maskPhone, useFormat } from '../format';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { DueTime, StatusBadge, useEnum } from '../components/bits';
import { CATEGORIES, FOLLOW_UP_METHODS, PRIORITIES, SATISFACTIONS, type CaseListItem, type CreatedCase, type Household } from '../types';
import { useAction } from '../useAction';
import { MOVES } from '../moves';
import { HelpsPicker } from '../components/FourHelps';
import { SUGGESTED_HELP, type FourHelp } from '@minqing/shared/four-helps';
import { CASE_STATUSES } from '@minqing/shared/vocabulary';
import { IntakePlacePicker, useIntakePlace } from './sessions/IntakePlace';

interface Draft {
  category: string;
  priority: string;
  title: string;
  description: string;
  residentName: string;
  residentPhone: string;
  household: Household | null;
}

const emptyDraft: Draft = { category: '', priority: 'normal', title: '', description: '', residentName: '', residentPhone: '', household: null };

function HouseholdSearch({ onPick, selected }: { onPick(h: Household | null): void; selected: Household | null }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Household[]>([]);
  const [active, setActive] = useState(-1);
  const [searching, setSearching] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const term = q.trim();
    if (term.length < 1) {
      setResults([]);
      setProblem(null);
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      setSearching(true);
      // POST: the search term (a name, phone or ID tail) never goes into a URL.
      api<{ items: Household[] }>('/directory/households/search', { body: { q: term, limit: 8 }, signal: ctl.signal })
        .then((r) => {
          setResults(r.items);
          setActive(r.items.length ? 0 : -1);
          setProblem(null);
        })
        .catch((err) => !isAbort(err) && setProblem(problemOf(err)))
        .finally(() => !ctl.signal.aborted && setSearching(false));
    }, 250);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [q]);

  function pick(h: Household) {
    onPick(h);
    setResults([]);
    setQ('');
  }

  function onKey(e: KeyboardEvent<HTMLInputElement>) {
    if (!results.length) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(results.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const h = results[active] ?? results[0];
      if (h) pick(h);
    } else if (e.key === 'Escape') {
      setResults([]);
    }
  }

  return (
    <div className="household-search">
      <label>
        {t('intake.householdSearch')}
        <input
          data-testid="household-search"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onKey}
          placeholder={t('intake.householdSearchHint')}
          autoComplete="off"
          autoFocus
          role="combobox"
          aria-expanded={results.length > 0}
          aria-controls="household-results"
        />
      </label>
      {searching && <span className="muted small">{t('common.searching')}</span>}
      <ProblemBox problem={problem} />
      {results.length > 0 && (
        <ul className="results" id="household-results" role="listbox" ref={listRef}>
          {results.map((h, i) => (
            <li key={h.code} role="option" aria-selected={i === active}>
              <button type="button" data-testid="household-result" data-household-code={h.code} className={i === active ? 'result active' : 'result'} onClick={() => pick(h)}>
                <strong>{h.headName}</strong>
                {h.isKey && <span className="tag key">{t('household.key')}</span>}
                {h.isVulnerable && <span className="tag vulnerable">{t('household.vulnerable')}</span>}
                <span className="muted">{dir.village(h.villageCode)}</span>
                <span className="mono">{maskPhone(h.phone)}</span>
                <span className="muted small">{h.address}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {q.trim() && !searching && !problem && results.length === 0 && <p className="muted small">{t('intake.noHousehold')}</p>}
      {selected && (
        <p className="selected-household">
          {t('intake.selectedHousehold')}: <strong>{selected.headName}</strong> · {dir.village(selected.villageCode)} · {selected.address}{' '}
          <button type="button" className="link" onClick={() => onPick(null)}>
            {t('intake.clearHousehold')}
          </button>
        </p>
      )}
    </div>
  );
}

interface DuplicateCandidate {
  id: string;
  trackingCode: string;
  title: string;
  status: string;
  openedAt: string;
  similarity: number;
}

/** Before a likely duplicate opens: the open cases it resembles, to open instead, or a confirmation that this is a new request. */
function DuplicateWarning({ candidates, busy, onConfirm, onCancel }: { candidates: DuplicateCandidate[]; busy: boolean; onConfirm(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="notice duplicate-warning" role="alert" data-testid="duplicate-warning" data-count={candidates.length}>
      <strong>{t('intake.duplicate.title', { count: candidates.length })}</strong>
      <p className="small">{t('intake.duplicate.body')}</p>
      <ul className="case-list">
        {candidates.map((c) => (
          <li key={c.id} className="case-row" data-testid="duplicate-candidate" data-case-id={c.id}>
            <div className="case-row-main">
              <span className="mono">{c.trackingCode}</span> {c.title}
              <div className="meta">
                <StatusBadge status={c.status} />
                <span className="muted">{f.dateTime(c.openedAt)}</span>
              </div>
            </div>
            <div className="case-row-actions">
              <Link to={`/cases/${c.id}`} className="button secondary" data-testid="duplicate-open-existing">
                {t('intake.duplicate.openExisting')}
              </Link>
            </div>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="primary" data-testid="duplicate-confirm" disabled={busy} onClick={onConfirm}>
          {busy ? t('common.saving') : t('intake.duplicate.confirm')}
        </button>
        <button type="button" className="secondary" data-testid="duplicate-cancel" onClick={onCancel}>
          {t('intake.duplicate.back')}
        </button>
      </div>
    </section>
  );
}

function Receipt({ created, onNew }: { created: CreatedCase; onNew(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe();
  const trackUrl = `${window.location.origin}/track`;
  return (
    <section className="panel receipt" data-testid="receipt" aria-live="polite">
      <h2>{t('receipt.title')}</h2>
      {me.servicePoint && <p className="muted">{me.servicePoint.name}</p>}
      <p className="receipt-code-line">
        {t('receipt.trackingCode')}
        <strong className="receipt-code" data-testid="receipt-tracking-code">{created.trackingCode}</strong>
      </p>
      <dl className="details">
        <dt>{t('receipt.openedAt')}</dt>
        <dd>{f.dateTime(created.openedAt)}</dd>
        <dt>{t('receipt.replyBy')}</dt>
        <dd data-testid="receipt-reply-by">{created.expectedReplyBy ? f.date(created.expectedReplyBy) : t('receipt.noReplyBy')}</dd>
        <dt>{t('receipt.checkAt')}</dt>
        <dd className="mono break">{trackUrl}</dd>
      </dl>
      <p className="small">{t('receipt.howTo')}</p>
      {created.duplicate ? <p className="notice">{t('receipt.duplicate')}</p> : null}
      <div className="actions no-print">
        <button type="button" className="primary" data-testid="print-receipt" onClick={() => window.print()}>
          {t('receipt.print')}
        </button>
        <button type="button" className="secondary" data-testid="new-case" onClick={onNew} autoFocus>
          {t('receipt.newCase')}
        </button>
        <Link to={`/cases/${created.id}`}>{t('receipt.openCase')}</Link>
      </div>
    </section>
  );
}

function CallbackForm({ caseId, onDone }: { caseId: string; onDone(): void }) {
  const { t } = useTranslation();
  const label = useEnum();
  const [satisfaction, setSatisfaction] = useState('');
  const [method, setMethod] = useState('call');
  const [note, setNote] = useState('');
  const { busy, problem, run } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      await api(`/cases/${caseId}/${MOVES.recordFollowUp.path}`, { body: { satisfaction, method, note } });
      onDone();
    });
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        {t('field.satisfaction')}
        <select data-testid="callback-satisfaction" value={satisfaction} onChange={(e) => setSatisfaction(e.target.value)} required autoFocus>
          <option value="">{t('common.choose')}</option>
          {SATISFACTIONS.map((s) => (
            <option key={s} value={s}>{label('satisfaction', s)}</option>
          ))}
        </select>
      </label>
      <label>
        {t('field.method')}
        <select data-testid="callback-method" value={method} onChange={(e) => setMethod(e.target.value)}>
          {FOLLOW_UP_METHODS.map((m) => (
            <option key={m} value={m}>{label('method', m)}</option>
          ))}
        </select>
      </label>
      <label className="grow">
        {t('field.note')}
        <input data-testid="callback-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      </label>
      <button type="submit" className="primary" data-testid="callback-submit" disabled={busy || !satisfaction}>
        {t('intake.callbackSubmit')}
      </button>
      <ProblemBox problem={problem} />
    </form>
  );
}

/** Statuses the hall filters by; `resolved` is the one waiting for its callback (待回访). */
const AWAITING_CALLBACK = MOVES.recordFollowUp.from[0]!;
const POINT_STATUSES = [AWAITING_CALLBACK, ...CASE_STATUSES.filter((s) => s !== AWAITING_CALLBACK)];
const POINT_PAGE = 50;

function PointCases({ refreshKey }: { refreshKey: number }) {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const f = useFormat();
  const label = useEnum();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [callbackFor, setCallbackFor] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [draftQ, setDraftQ] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');

  // POST: the term may be a resident's or a household head's name, which never goes into a URL.
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) =>
      api<CursorPage<CaseListItem>>('/cases/search', {
        body: {
          limit: POINT_PAGE,
          ...(me.servicePoint ? { servicePoint: me.servicePoint.code } : {}),
          ...(q ? { q } : {}),
          ...(status ? { status } : {}),
          ...(cursor ? { cursor } : {}),
        },
        signal,
      }),
    [me.servicePoint, q, status],
  );
  const list = useCursorList(load, `${me.servicePoint?.code ?? ''}|${q}|${status}|${refreshKey}|${tick}`);

  async function close(id: string) {
    setBusyId(id);
    setProblem(null);
    try {
      await api(`/cases/${id}/${MOVES.closeCase.path}`, { body: {} });
      setTick((x) => x + 1);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusyId(null);
    }
  }

  function search(e: FormEvent) {
    e.preventDefault();
    setQ(draftQ.trim());
  }

  return (
    <section className="panel" data-testid="point-cases">
      <div className="panel-head">
        <h2>{t('intake.pointCases', { point: me.servicePoint?.name ?? t('intake.allPoints') })}</h2>
        <button type="button" className="secondary" data-testid="point-cases-refresh" onClick={() => setTick((x) => x + 1)}>
          {t('common.refresh')}
        </button>
      </div>
      <form className="filters point-case-filters" data-testid="point-cases-filters" onSubmit={search} role="search">
        <input
          type="search"
          data-testid="point-cases-q"
          value={draftQ}
          onChange={(e) => setDraftQ(e.target.value)}
          maxLength={100}
          placeholder={t('intake.caseSearchHint')}
          aria-label={t('intake.caseSearchHint')}
          autoComplete="off"
        />
        <select data-testid="point-cases-status" value={status} onChange={(e) => setStatus(e.target.value)} aria-label={t('intake.statusFilter')}>
          <option value="">{t('intake.allStatuses')}</option>
          {POINT_STATUSES.map((s) => (
            <option key={s} value={s}>{s === AWAITING_CALLBACK ? t('intake.awaitingCallback') : label('status', s)}</option>
          ))}
        </select>
        <button type="submit" className="secondary" data-testid="point-cases-search">{t('intake.caseSearch')}</button>
      </form>
      <ProblemBox problem={problem ?? list.problem} />
      {list.loading && !list.problem && <p className="muted">{t('common.loading')}</p>}
      {!list.loading && list.items.length === 0 && <p className="muted" data-testid="point-cases-none">{t('intake.noPointCases')}</p>}
      {list.items.length > 0 && (
        <ul className="case-list" aria-busy={list.busy}>
          {list.items.map((c) => (
            <li key={c.id} className="case-row" data-testid="case-row" data-case-id={c.id} data-status={c.status} data-tracking-code={c.trackingCode}>
              <div className="case-row-main">
                <Link to={`/cases/${c.id}`} className="case-title-link">
                  <span className="mono">{c.trackingCode}</span> {c.title}
                </Link>
                <div className="meta">
                  <StatusBadge status={c.status} />
                  <span>{label('category', c.category)}</span>
                  {c.priority === 'urgent' && <span className="tag urgent">{label('priority', c.priority)}</span>}
                  {c.villageCode && <span>{dir.village(c.villageCode)}</span>}
                  <span className="muted">{f.dateTime(c.openedAt)}</span>
                  {c.dueAt && <DueTime dueAt={c.dueAt} paused={c.paused} />}
                </div>
              </div>
              <div className="case-row-actions">
                {MOVES.recordFollowUp.from.includes(c.status) && (
                  <button type="button" className="secondary" data-testid="callback" aria-expanded={callbackFor === c.id} onClick={() => setCallbackFor(callbackFor === c.id ? null : c.id)}>
                    {t('intake.callback')}
                  </button>
                )}
                {MOVES.closeCase.from.includes(c.status) && (
                  <button type="button" className="secondary" data-testid="close-case" disabled={busyId === c.id} onClick={() => void close(c.id)}>
                    {t('intake.closeCase')}
                  </button>
                )}
              </div>
              {callbackFor === c.id && MOVES.recordFollowUp.from.includes(c.status) && (
                <CallbackForm
                  caseId={c.id}
                  onDone={() => {
                    setCallbackFor(null);
                    setTick((x) => x + 1);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <Pager list={list} testid="point-cases-pager" />
    </section>
  );
}

export default function Intake() {
  const { t } = useTranslation();
  const me = useMe();
  const label = useEnum();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  // issue 13: a case taken in at the community's market-day session is tied to it (the session by default on its day)
  const intakePlace = useIntakePlace();
  // 四帮四促 tags (optional): the category's suggestion is marked, the clerk ticks what applies
  const [helps, setHelps] = useState<FourHelp[]>([]);
  const { busy, problem, setProblem, run } = useAction();
  const [created, setCreated] = useState<CreatedCase | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  // One key per form fill: kept across retries and double clicks (the API then opens one case),
  // a new one only after the case is opened (or when the API says the key went with another request).
  const keyRef = useRef<string>(uuid());
  const titleRef = useRef<HTMLInputElement>(null);
  /** likely duplicates the API found for this fill; null: not checked (or changed since) */
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setDuplicates(null);
  };

  function pickHousehold(h: Household | null) {
    setDraft((d) => ({
      ...d,
      household: h,
      residentName: h ? h.headName : d.residentName,
      residentPhone: h ? (h.phone ?? '') : d.residentPhone,
    }));
    setDuplicates(null);
  }

  /** Opens the case; `confirmed`: the likely duplicates the clerk saw and chose to open a new case anyway. */
  async function open(confirmed: DuplicateCandidate[] | null) {
    const phone = draft.residentPhone.trim();
    const body: Record<string, unknown> = {
      category: draft.category,
      priority: draft.priority,
      channel: intakePlace.place ? 'market_day' : (me.channel ?? 'hall'),
      title: draft.title.trim(),
      description: draft.description.trim(),
      // A resident without a phone (none in the roster, none given) still gets a case: no SMS then.
      resident: { name: draft.residentName.trim(), ...(phone ? { phone } : {}) },
    };
    if (me.servicePoint) body.servicePointCode = intakePlace.place ?? me.servicePoint.code;
    if (draft.household) {
      body.villageCode = draft.household.villageCode;
      body.householdCode = draft.household.code;
    }
    if (confirmed?.length) body.duplicateConfirmed = confirmed.map((c) => c.id);
    if (helps.length) body.helps = helps;
    await run(async () => {
      try {
        setCreated(await api<CreatedCase>('/cases', { body, headers: { 'Idempotency-Key': keyRef.current } }));
      } catch (err) {
        // The key went with another request (the form was changed after a failed try): the next try gets a new one.
        if (err instanceof ApiError && err.problem.type === 'urn:minqing:problem:idempotency-key-reused') keyRef.current = uuid();
        throw err;
      }
      keyRef.current = uuid();
      setDuplicates(null);
      setRefreshKey((x) => x + 1);
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (duplicates !== null) return; // the warning is showing: open the existing case, or confirm a new one
    const phone = draft.residentPhone.trim();
    let found: DuplicateCandidate[] = [];
    if (draft.category && draft.title.trim() && (draft.household || phone)) {
      try {
        found = (
          await api<{ items: DuplicateCandidate[] }>('/cases/duplicates', {
            body: {
              category: draft.category,
              title: draft.title.trim(),
              ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
              ...(draft.household ? { householdCode: draft.household.code } : { residentPhone: phone }),
            },
          })
        ).items;
      } catch {
        found = []; // the check is a help, not a gate: the case is opened and validated as usual
      }
    }
    if (found.length) {
      setDuplicates(found);
      return;
    }
    await open(null);
  }

  function newCase() {
    setCreated(null);
    setDraft(emptyDraft);
    setHelps([]);
    setDuplicates(null);
    setProblem(null);
    keyRef.current = uuid();
    setTimeout(() => document.querySelector<HTMLInputElement>('[data-testid="household-search"]')?.focus(), 0);
  }

  return (
    <div className="page intake">
      <h1 className="no-print">{t('intake.title')}</h1>
      {created ? (
        <Receipt created={created} onNew={newCase} />
      ) : (
        <form className="panel form intake-form no-print" onSubmit={submit} noValidate>
          <HouseholdSearch onPick={pickHousehold} selected={draft.household} />
          <div className="grid-2">
            <label>
              {t('field.residentName')}
              <input data-testid="resident-name" value={draft.residentName} onChange={(e) => set('residentName', e.target.value)} required maxLength={50} autoComplete="off" />
              <FieldError problem={problem} field="resident.name" />
            </label>
            <label>
              {t('field.residentPhone')}
              <small className="muted"> {t('common.optional')}</small>
              <input data-testid="resident-phone" type="tel" inputMode="tel" value={draft.residentPhone} onChange={(e) => set('residentPhone', e.target.value)} maxLength={20} autoComplete="off" placeholder={t('intake.noPhoneHint')} />
              <FieldError problem={problem} field="resident.phone" />
            </label>
            <label>
              {t('field.category')}
              <select data-testid="category" value={draft.category} onChange={(e) => set('category', e.target.value)} required>
                <option value="">{t('common.choose')}</option>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>{label('category', c)}</option>
                ))}
              </select>
              <FieldError problem={problem} field="category" />
            </label>
            <label>
              {t('field.priority')}
              <select data-testid="priority" value={draft.priority} onChange={(e) => set('priority', e.target.value)}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>{label('priority', p)}</option>
                ))}
              </select>
            </label>
          </div>
          <label>
            {t('field.title')}
            <input data-testid="title" ref={titleRef} value={draft.title} onChange={(e) => set('title', e.target.value)} required maxLength={200} autoComplete="off" />
            <FieldError problem={problem} field="title" />
          </label>
          <label>
            {t('field.description')}
            <textarea data-testid="description" value={draft.description} onChange={(e) => set('description', e.target.value)} required rows={4} maxLength={5000} />
            <FieldError problem={problem} field="description" />
          </label>
          <HelpsPicker value={helps} onChange={setHelps} suggested={SUGGESTED_HELP[draft.category as keyof typeof SUGGESTED_HELP] ?? null} testid="intake-helps" />
          <IntakePlacePicker sessions={intakePlace.sessions} place={intakePlace.place} onChange={intakePlace.setPlace} />
          <div className="channel-line">
            {t('field.channel')}: <strong data-testid="channel" data-channel={intakePlace.place ? 'market_day' : (me.channel ?? 'hall')}>{label('channel', intakePlace.place ? 'market_day' : (me.channel ?? 'hall'))}</strong>
            {me.servicePoint && <span className="muted"> · {me.servicePoint.name}</span>}
          </div>
          <ProblemBox problem={problem} />
          {duplicates && duplicates.length > 0 && (
            <DuplicateWarning candidates={duplicates} busy={busy} onConfirm={() => void open(duplicates)} onCancel={() => setDuplicates(null)} />
          )}
          {!duplicates && (
            <button type="submit" className="primary big" data-testid="submit-case" disabled={busy}>
              {busy ? t('common.saving') : t('intake.submit')}
            </button>
          )}
        </form>
      )}
      <div className="no-print">
        <PointCases refreshKey={refreshKey} />
      </div>
    </div>
  );
}
