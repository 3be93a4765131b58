/** One case: details, timeline, and the moves the user may make on it. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Problem } from '../api';
import { useDirectory, type Directory } from '../directory';
import { useFormat } from '../format';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { DueTime, Loading, StatusBadge, useEnum } from '../components/bits';
import { fieldShown, fieldsOf, initialValues, isMoveName, moveBody, moveId, MOVES, type MoveName } from '../moves';
import type { CaseDetail, MoveResult, TimelineItem } from '../types';
import { useAction } from '../useAction';
import { useMe } from '../auth';

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

function MoveForm({ name, caseId, onDone, onCancel, dir }: { name: MoveName; caseId: string; onDone(): void; onCancel(): void; dir: Directory }) {
  const { t } = useTranslation();
  const label = useEnum();
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(name));
  const id = moveId(name);
  const { busy, problem, run } = useAction();
  const set = (name: string, v: string) => setValues((x) => ({ ...x, [name]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      await api<MoveResult>(`/cases/${caseId}/${MOVES[name].path}`, { body: moveBody(name, values) });
      onDone();
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
            input = <input {...common} type="number" min={1} max={f.max} step={1} inputMode="numeric" value={v} onChange={onChange} />;
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
            input = (
              <select {...common} value={v} onChange={onChange}>
                <option value="">{t('common.choose')}</option>
                {[...dir.cadres]
                  .sort((a, b) => dir.department(a.departmentCode).localeCompare(dir.department(b.departmentCode)) || a.name.localeCompare(b.name))
                  .map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.name} · {dir.department(c.departmentCode) || t('common.none')} · {label('cadreRole', c.role)}
                    </option>
                  ))}
              </select>
            );
            break;
          case 'case':
            input = <input {...common} value={v} onChange={onChange} maxLength={36} spellCheck={false} placeholder="00000000-0000-0000-0000-000000000000" className="mono" />;
            break;
        }
        return (
          <label key={fieldName}>
            {t(`field.${fieldName}`)}
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

function details(d: unknown, dir: Directory, label: ReturnType<typeof useEnum>, fmt: (iso: string) => string, yesNo: (b: boolean) => string): string[] {
  if (!d || typeof d !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
    if (v === null || v === undefined || v === '' || typeof v === 'object') continue;
    let text = typeof v === 'boolean' ? yesNo(v) : String(v);
    if (/assignee|cadre|by$|^to$|^from$/i.test(k) && typeof v === 'string') text = dir.cadre(v);
    if (/department/i.test(k) && typeof v === 'string') text = dir.department(v);
    if (/village/i.test(k) && typeof v === 'string') text = dir.village(v);
    if (k === 'servicePointCode' && typeof v === 'string') text = dir.servicePoint(v);
    if (/At$/.test(k) && typeof v === 'string') text = fmt(v);
    const groups: Record<string, string> = { satisfaction: 'satisfaction', method: 'method', status: 'status', reasonCode: 'reason', decision: 'decision', phase: 'phase', channel: 'channel', rule: 'routing.rule', category: 'category', priority: 'priority' };
    const group = groups[k];
    if (group) {
      text = label(group, String(v));
    }
    out.push(`${label('detailKey', k)}: ${text}`);
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
      await api<MoveResult>(`/cases/${id}/${MOVES[name].path}`, { body: {} });
      afterMove(name);
    });
  }

  function afterMove(name: MoveName) {
    setOpen(null);
    setDone(name);
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

  // The server answers which moves this user may make now, by the workflow's own rules.
  const moves = c.moves.filter(isMoveName);

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
          <MoveForm key={open} name={open} caseId={c.id} dir={dir} onDone={() => afterMove(open)} onCancel={() => setOpen(null)} />
        )}
        {pending && (
          <p className="notice">
            {t('case.pendingExtension', { minutes: pending.minutes, reason: pending.reason, by: dir.cadre(pending.requestedBy) })}
          </p>
        )}
      </section>

      {me.role === 'hall_staff' && <ResidentMessages caseId={c.id} />}

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
            <dt>{t('case.department')}</dt>
            <dd>{dir.department(c.departmentCode) || t('common.none')}</dd>
            <dt>{t('case.assignee')}</dt>
            <dd>{dir.cadre(c.assigneeCode) || t('case.unassigned')}</dd>
            <dt>{t('case.routing')}</dt>
            <dd data-testid="case-routing" data-rule={c.routing?.rule}>
              {c.routing ? (
                <>
                  <span className="routing-rule">{label('routing.rule', c.routing.rule)}</span>
                  {c.routing.reason && <small className="routing-reason muted">{c.routing.reason}</small>}
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
                  <Link to={`/cases/${c.mergedInto}`}>{c.mergedInto}</Link>
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
                {i.actor && <div className="muted">{dir.cadre(i.actor)}</div>}
                {details(i.details, dir, label, f.dateTime, (b) => t(b ? 'common.yes' : 'common.no')).map((line, k) => (
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
