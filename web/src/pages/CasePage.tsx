/** One case: details, timeline, and the moves the user may make on it. */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { routingReasonOf } from '@minqing/shared/routing';
import { api, problemOf, withQuery, type Problem } from '../api';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { CaseRef } from '../components/CaseRef';
import { useDirectory, type Directory } from '../directory';
import { useFormat } from '../format';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { DueTime, Loading, StatusBadge, useEnum } from '../components/bits';
import { durationUnitOf, fieldShown, fieldsOf, initialValues, isMoveName, moveBody, moveId, MOVES, useMinutesPerWorkingDay, type DurationUnit, type MoveName } from '../moves';
import type { CaseDetail, MoveResult, TimelineItem } from '../types';
import { useAction } from '../useAction';
import { CasePicker } from '../components/CasePicker';
import { useMe } from '../auth';
import { CaseHelpsPanel } from '../components/CaseHelps';

/** Hall staff record that the resident wants no (or again) SMS and e-mail about this case (PUT /cases/{id}/notifications). */
function ResidentMessages({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { busy, problem, run } = useAction();
  const [notify, setNotify] = useState<boolean | null>(null);
  const record = (want: boolean) =>
    run(async () => {
      setNotify((await api<{ notify: boolean }>(`/cases/${caseId}/notifications`, { method: 'PUT', body: { notify: want } })).notify);
    });
  return (
    <section className="panel" data-testid="resident-messages">
      <h2>{t('case.residentMessages.title')}</h2>
      {notify !== null && (
        <p className="success" role="status">
          {notify ? t('case.residentMessages.on') : t('case.residentMessages.off')}
        </p>
      )}
      <ProblemBox problem={problem} />
      <div className="move-buttons">
        <button type="button" className="secondary" data-testid="resident-messages-off" disabled={busy} onClick={() => void record(false)}>
          {t('case.residentMessages.stop')}
        </button>
        <button type="button" className="secondary" data-testid="resident-messages-on" disabled={busy} onClick={() => void record(true)}>
          {t('case.residentMessages.restart')}
        </button>
      </div>
    </section>
  );
}

/** One cadre who can take the case (GET /cases/{id}/candidates). */
interface Candidate {
  code: string;
  name: string;
  role: string;
  departmentCode: string | null;
  sameDepartment: boolean;
  openCases: number;
}

/**
 * Whom a manager can give the case to: the cadres who take cases, the case's
 * department first, each by current load (the API's order), searchable by name
 * and paged — never hall staff, leaders or administrators.
 */
function CandidatePicker({ caseId, value, onChange, dir, common }: { caseId: string; value: string; onChange(v: string): void; dir: Directory; common: Record<string, unknown> }) {
  const { t } = useTranslation();
  const label = useEnum();
  const [q, setQ] = useState('');
  const [term, setTerm] = useState('');
  useEffect(() => {
    const h = setTimeout(() => setTerm(q.trim()), 200);
    return () => clearTimeout(h);
  }, [q]);
  const list = useCursorList<Candidate>(
    (cursor, signal) => api<CursorPage<Candidate>>(withQuery(`/cases/${encodeURIComponent(caseId)}/candidates`, { q: term || undefined, cursor, limit: 30 }), { signal }),
    term,
  );
  // groups in the API's order: the case's department, then each other department
  const groups: { key: string; title: string; items: Candidate[] }[] = [];
  for (const c of list.items) {
    const key = c.sameDepartment ? '=' : (c.departmentCode ?? '');
    let g = groups.find((x) => x.key === key);
    if (!g) {
      const dept = dir.department(c.departmentCode) || t('common.none');
      g = { key, title: c.sameDepartment ? t('candidates.ownDepartment', { department: dept }) : dept, items: [] };
      groups.push(g);
    }
    g.items.push(c);
  }
  return (
    <div className="candidate-picker" data-testid="candidate-picker">
      <input type="search" data-testid="candidate-search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('candidates.search')} aria-label={t('candidates.search')} />
      <select {...common} value={value} onChange={(e) => onChange(e.target.value)} size={Math.min(8, Math.max(3, list.items.length + groups.length + 1))}>
        <option value="">{list.loading ? t('common.loading') : list.items.length ? t('common.choose') : t('candidates.none')}</option>
        {groups.map((g) => (
          <optgroup key={g.key} label={g.title} data-testid="candidate-group">
            {g.items.map((c) => (
              <option key={c.code} value={c.code} data-testid="candidate" data-load={c.openCases} data-same={c.sameDepartment}>
                {t('candidates.option', { name: c.name, role: label('cadreRole', c.role), count: c.openCases })}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <Pager list={list} testid="candidate-pager" />
    </div>
  );
}

/** A duration asked in working days (hours for an urgent case), sent as the move's minutes. */
function DurationInput({ unit, common, value, onChange, max }: { unit: DurationUnit; common: Record<string, unknown>; value: string; onChange(v: string): void; max: number }) {
  const { t } = useTranslation();
  return (
    <span className="duration-input">
      <input {...common} type="number" min={1} max={Math.floor(max / unit.minutes)} step={1} inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} data-unit={unit.unit} />
      <span className="muted"> {t(`duration.unit.${unit.unit}`)}</span>
    </span>
  );
}

function MoveForm({ name, caseId, onDone, onCancel, dir, unit }: { name: MoveName; caseId: string; onDone(result: MoveResult): void; onCancel(): void; dir: Directory; unit: DurationUnit }) {
  const { t } = useTranslation();
  const label = useEnum();
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(name, unit));
  const id = moveId(name);
  const { busy, problem, run } = useAction();
  const set = (name: string, v: string) => setValues((x) => ({ ...x, [name]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      onDone(await api<MoveResult>(`/cases/${caseId}/${MOVES[name].path}`, { body: moveBody(name, values, unit) }));
    });
  }

  return (
    <form className="panel form move-form" data-testid="move-form" data-move={id} onSubmit={submit}>
      <h3>{t(`move.${id}`)}</h3>
      {fieldsOf(name).map(([fieldName, f], i) => {
        if (!fieldShown(f, values)) return null;
        const common = { 'data-testid': `field-${fieldName}`, name: fieldName, autoFocus: i === 0 };
        const v = values[fieldName] ?? '';
        const onChange = (e: { target: { value: string } }) => set(fieldName, e.target.value);
        let input;
        switch (f.kind) {
          case 'text':
            input = f.multiline
              ? <textarea {...common} rows={3} value={v} onChange={onChange} maxLength={f.max} />
              : <input {...common} value={v} onChange={onChange} maxLength={f.max} />;
            break;
          case 'minutes':
            input = <DurationInput unit={unit} common={common} value={v} onChange={(x) => set(fieldName, x)} max={f.max} />;
            break;
          case 'approve':
            input = (
              <select {...common} value={v} onChange={onChange}>
                <option value="true">{t('decision.approve')}</option>
                <option value="false">{t('decision.deny')}</option>
              </select>
            );
            break;
          case 'enum':
            input = (
              <select {...common} value={v} onChange={onChange}>
                <option value="">{t('common.choose')}</option>
                {f.options.map((o) => (
                  <option key={o} value={o}>{label(f.optionGroup, o)}</option>
                ))}
              </select>
            );
            break;
          case 'staff':
            input = <CandidatePicker caseId={caseId} value={v} onChange={(x) => set(fieldName, x)} dir={dir} common={common} />;
            break;
          case 'case':
            input = <CasePicker value={v} onChange={(id) => set(fieldName, id)} exclude={caseId} testid={`field-${fieldName}`} />;
            break;
        }
        return (
          <label key={fieldName}>
            {f.kind === 'minutes' ? t(`field.duration.${unit.unit}`) : t(`field.${fieldName}`)}
            {!f.required && <small className="muted"> {t('common.optional')}</small>}
            {input}
            <FieldError problem={problem} field={fieldName} />
          </label>
        );
      })}
      <ProblemBox problem={problem} />
      <div className="actions">
        <button type="submit" className="primary" data-testid="move-submit" disabled={busy}>
          {busy ? t('common.saving') : t('common.submit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

type Label = ReturnType<typeof useEnum>;
type T = ReturnType<typeof useTranslation>['t'];

/** A recorded routing reason in the user's language, names for codes (the sentence is stored in English: @minqing/shared/routing). */
export function routingReasonText(reason: string | null | undefined, dir: Directory, label: Label, t: T): string | null {
  const r = routingReasonOf(reason);
  if (!r) return null;
  const p = r.params;
  return t(`routing.reason.${r.code}`, {
    category: label('category', p.category),
    department: dir.department(p.department),
    cadre: dir.cadre(p.cadre),
    village: dir.village(p.village),
    note: p.note ?? '',
  });
}

/** Working time as hours and minutes. */
const workTime = (t: T, minutes: number) => t('duration.workTime', { h: Math.floor(minutes / 60), m: Math.round(minutes % 60) });

/** A timeline step's details in the user's language: names for codes, durations and shares worded, other cases linked. */
function details(d: unknown, ctx: { dir: Directory; label: Label; t: T; dateTime: (iso: string) => string; percent: (v: number) => string; unit: DurationUnit }): ReactNode[] {
  if (!d || typeof d !== 'object') return [];
  const { dir, label, t } = ctx;
  const out: ReactNode[] = [];
  const groups: Record<string, string> = { satisfaction: 'satisfaction', method: 'method', status: 'status', reasonCode: 'reason', decision: 'decision', phase: 'phase', channel: 'channel', rule: 'routing.rule', category: 'category', priority: 'priority' };
  const entries = Object.entries(d as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (v === null || v === undefined || v === '' || typeof v === 'object') continue;
    let text: ReactNode = typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : String(v);
    if (typeof v === 'string') {
      if (/(assignee|cadre|by|to|notified|decider)(code)?$/i.test(k)) text = dir.cadre(v);
      if (/department/i.test(k)) text = dir.department(v);
      if (/village/i.test(k)) text = dir.village(v);
      if (k === 'servicePointCode') text = dir.servicePoint(v);
      if (/At$/.test(k)) text = ctx.dateTime(v);
      if (groups[k]) text = label(groups[k], v);
      if (k === 'intoCaseId') text = <CaseRef id={v} />;
      // the routing step's recorded reason, worded (the rule has its own line)
      if (k === 'reason' && typeof (d as Record<string, unknown>).rule === 'string') text = routingReasonText(v, dir, label, t) ?? v;
    }
    if (typeof v === 'number') {
      if (k === 'fraction') text = ctx.percent(v);
      if (/Minutes/.test(k)) text = workTime(t, v);
      if (k === 'minutes') text = t(`duration.count.${ctx.unit.unit}`, { count: Math.round((v / ctx.unit.minutes) * 10) / 10 });
      if (k === 'level') text = label('escalation', String(v));
    }
    out.push(
      <>
        {label('detailKey', k)}: {text}
      </>,
    );
  }
  return out;
}

export default function CasePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const f = useFormat();
  const label = useEnum();
  const [c, setCase] = useState<CaseDetail | null>(null);
  const [timeline, setTimeline] = useState<TimelineItem[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  // Moves without a form fire at once; their outcome shows above the buttons.
  const quick = useAction();
  const moveProblem = quick.problem;
  const [open, setOpen] = useState<MoveName | null>(null);
  const [done, setDone] = useState<MoveName | null>(null);
  const perDay = useMinutesPerWorkingDay();

  const load = useCallback(async () => {
    try {
      const [cs, tl] = await Promise.all([
        api<CaseDetail>(`/cases/${encodeURIComponent(id)}`),
        api<{ items: TimelineItem[] }>(`/cases/${encodeURIComponent(id)}/timeline`).catch(() => ({ items: [] as TimelineItem[] })),
      ]);
      setCase(cs);
      setTimeline(tl.items);
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, [id]);
  // Given away by a move (a reroute to another department): who has it now, and that this user no longer sees it.
  const [handedTo, setHandedTo] = useState<string | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  // The read model is written before a move answers, so the reloaded case is current.
  const pending = c?.pendingExtension ?? null;

  async function fire(name: MoveName) {
    if (fieldsOf(name).length > 0) {
      setOpen(open === name ? null : name);
      quick.setProblem(null);
      return;
    }
    await quick.run(async () => {
      afterMove(name, await api<MoveResult>(`/cases/${id}/${MOVES[name].path}`, { body: {} }));
    });
  }

  function afterMove(name: MoveName, result?: MoveResult) {
    setOpen(null);
    setDone(name);
    setHandedTo(result && result.assigneeCode !== c?.assigneeCode ? result.assigneeCode : null);
    void load();
  }

  if (problem && !c) {
    const msg = problem.status === 403 ? t('case.forbidden') : problem.status === 404 || problem.status === 400 ? t('case.notFound') : undefined;
    return (
      <div className="page">
        <ProblemBox problem={problem} message={msg} />
        <p>
          <Link to="/">{t('common.back')}</Link>
        </p>
      </div>
    );
  }
  if (!c) return <Loading />;
  if (problem?.status === 403 && done) {
    const to = dir.cadres.find((x) => x.code === handedTo);
    return (
      <div className="page">
        <p className="success" role="status" data-testid="left-scope">
          {to
            ? t('case.handedOver', { move: t(`move.${moveId(done)}`), title: c.title, name: to.name, department: dir.department(to.departmentCode) || t('common.none') })
            : t('case.leftScope', { move: t(`move.${moveId(done)}`), title: c.title })}
        </p>
        <p>
          <Link to="/">{t('common.back')}</Link>
        </p>
      </div>
    );
  }

  // The server answers which moves this user may make now, by the workflow's own rules.
  const moves = c.moves.filter(isMoveName);
  const unit = durationUnitOf(c.priority, perDay);
  const routingReason = c.routing ? routingReasonText(c.routing.reason, dir, label, t) : null;

  return (
    <div className="page case-page">
      <div className="case-head">
        <h1 data-testid="case-title">{c.title}</h1>
        <div className="meta">
          <span className="badge-wrap" data-testid="case-status" data-status={c.status}>
            <StatusBadge status={c.status} />
          </span>
          <span className="mono" data-testid="case-tracking-code">{c.trackingCode}</span>
          {c.priority === 'urgent' && <span className="tag urgent">{label('priority', 'urgent')}</span>}
          {c.escalationLevel > 0 && <span className={`tag esc esc-${c.escalationLevel}`}>{label('escalation', String(c.escalationLevel))}</span>}
        </div>
      </div>

      {problem && <ProblemBox problem={problem} />}

      <section className="panel moves" aria-label={t('case.moves')}>
        {moves.length === 0 ? (
          <p className="muted">{t('case.noMoves')}</p>
        ) : (
          <div className="move-buttons">
            {moves.map((m) => (
              <button
                key={m}
                type="button"
                className={MOVES[m].danger ? 'danger' : m === moves[0] ? 'primary' : 'secondary'}
                data-testid={`move-${moveId(m)}`}
                aria-expanded={fieldsOf(m).length ? open === m : undefined}
                disabled={quick.busy}
                onClick={() => void fire(m)}
              >
                {t(`move.${moveId(m)}`)}
              </button>
            ))}
          </div>
        )}
        {done && !open && !moveProblem && (
          <p className="success" role="status" data-testid="move-done">
            {t('case.moveDone', { move: t(`move.${moveId(done)}`) })}
          </p>
        )}
        <ProblemBox problem={moveProblem} />
        {open && (
          <MoveForm key={open} name={open} caseId={c.id} dir={dir} unit={unit} onDone={(r) => afterMove(open, r)} onCancel={() => setOpen(null)} />
        )}
        {pending && (
          <p className="notice">
            {t('case.pendingExtension', {
              duration: t(`duration.count.${unit.unit}`, { count: Math.round((pending.minutes / unit.minutes) * 10) / 10 }),
              reason: pending.reason,
              by: dir.cadre(pending.requestedBy),
            })}
          </p>
        )}
      </section>

      {me.role === 'hall_staff' && <ResidentMessages caseId={c.id} />}

      <CaseHelpsPanel caseId={c.id} />

      <div className="case-grid">
        <section className="panel">
          <h2>{t('case.details')}</h2>
          <dl className="details">
            <dt>{t('case.category')}</dt>
            <dd>{label('category', c.category)}</dd>
            <dt>{t('case.priority')}</dt>
            <dd>{label('priority', c.priority)}</dd>
            <dt>{t('case.channel')}</dt>
            <dd>{label('channel', c.channel)}</dd>
            {c.servicePointCode && (
              <>
                <dt>{t('case.servicePoint')}</dt>
                <dd>{dir.servicePoint(c.servicePointCode)}</dd>
              </>
            )}
            <dt>{t('case.openedAt')}</dt>
            <dd>{f.dateTime(c.openedAt)}</dd>
            <dt>{t('case.resident')}</dt>
            <dd>{c.resident ? `${c.resident.name} · ${c.resident.phone}` : t('common.none')}</dd>
            <dt>{t('case.village')}</dt>
            <dd>{dir.village(c.villageCode) || t('common.none')}</dd>
            {c.householdCode && (
              <>
                <dt>{t('ledger.open')}</dt>
                <dd>
                  <Link to={`/ledger/households/${encodeURIComponent(c.householdCode)}`} data-testid="case-household-ledger">{t('ledger.view')}</Link>
                </dd>
              </>
            )}
            <dt>{t('case.department')}</dt>
            <dd>{dir.department(c.departmentCode) || t('common.none')}</dd>
            <dt>{t('case.assignee')}</dt>
            <dd>{dir.cadre(c.assigneeCode) || t('case.unassigned')}</dd>
            <dt>{t('case.routing')}</dt>
            <dd data-testid="case-routing" data-rule={c.routing?.rule}>
              {c.routing ? (
                <>
                  <span className="routing-rule">{label('routing.rule', c.routing.rule)}</span>
                  {routingReason && <small className="routing-reason muted" data-testid="routing-reason">{routingReason}</small>}
                </>
              ) : (
                t('common.none')
              )}
            </dd>
            <dt>{t('case.due')}</dt>
            <dd>
              {c.phase && <span>{label('phase', c.phase)} · </span>}
              <DueTime dueAt={c.dueAt} paused={c.paused} />
            </dd>
            {c.satisfaction && (
              <>
                <dt>{t('case.satisfaction')}</dt>
                <dd>{label('satisfaction', c.satisfaction)}</dd>
              </>
            )}
            {(c.returnsCount > 0 || c.reopenCount > 0) && (
              <>
                <dt>{t('case.returnsReopens')}</dt>
                <dd>{t('case.returnsReopensValue', { returns: c.returnsCount, reopens: c.reopenCount })}</dd>
              </>
            )}
            {c.mergedInto && (
              <>
                <dt>{t('case.mergedInto')}</dt>
                <dd>
                  <CaseRef id={c.mergedInto} />
                </dd>
              </>
            )}
          </dl>
          <h3>{t('case.description')}</h3>
          <p className="prewrap">{c.description}</p>
          <h3>{t('case.reply')}</h3>
          <p className="prewrap" data-testid="case-reply">{c.resolutionReply ?? t('case.noReply')}</p>
        </section>

        <section className="panel">
          <h2>{t('case.timeline')}</h2>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((i) => (
              <li key={i.seq} className="timeline-item" data-testid="timeline-item" data-kind={i.kind}>
                <div className="timeline-head">
                  <strong>{label('timeline', i.kind)}</strong>
                  <time dateTime={i.at}>{f.dateTime(i.at)}</time>
                </div>
                {i.actor && <div className="muted">{i.actor === 'resident' ? t('case.actorResident') : dir.cadre(i.actor)}</div>}
                {details(i.details, { dir, label, t, dateTime: f.dateTime, percent: (v) => f.percent(v), unit }).map((line, k) => (
                  <div key={k} className="small">{line}</div>
                ))}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
