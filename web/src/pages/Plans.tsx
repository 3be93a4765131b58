/**
 * Plans (issue 13): the area leaders' 片区 work plans and the departments'
 * annual service plans. `/plans` lists the plans the reader may read (by year,
 * kind, area, department or a word; paged) and lets an area leader or a
 * department head start their own; `/plans/:id` is one plan: its progress,
 * its figure from reporting (items due this year done on time, late, overdue)
 * for the roles that read figures, its items (searchable, paged) with progress
 * a phone can record in a few taps, adding and editing items for the plan's
 * owner, and each item's history. Who may do what is the shared table
 * (PLAN_OPERATIONS, plans.ts); the server decides, the buttons follow its answer.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import {
  PLAN_ITEM_MOVES, PLAN_ITEM_STATUSES, PLAN_KINDS, PLAN_OPERATIONS,
  type Plan, type PlanFiguresResponse, type PlanItem, type PlanItemRevision, type PlanItemStatus, type PlanKind,
} from '@minqing/shared/plans';
import { REPORT_OPERATIONS } from '@minqing/shared/console-access';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { useFormat } from '../format';
import { useAction } from '../useAction';
import { useDebounced } from '../useDebounced';
import './plans.css';

const PAGE = 20;

function thisYear(): number {
  return new Date().getFullYear();
}

function Counts({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const c = plan.counts;
  const counted = c.total - c.dropped;
  const pct = counted > 0 ? Math.round((c.done / counted) * 100) : 0;
  return (
    <div className="plan-progress" data-testid="plan-progress" data-done={c.done} data-total={c.total} data-overdue={c.overdue}>
      <div className="plan-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('plans.progress')}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="small">
        {t('plans.doneOf', { done: c.done, total: counted })}
        {c.inProgress > 0 && <> · {t('plans.inProgressN', { count: c.inProgress })}</>}
        {c.overdue > 0 && <> · <span className="tag key">{t('plans.overdueN', { count: c.overdue })}</span></>}
        {c.dropped > 0 && <> · {t('plans.droppedN', { count: c.dropped })}</>}
      </span>
    </div>
  );
}

/** What the signed-in user may start: their area's plan(s) or their department's, for the year. */
function StartPlan({ year, onStarted }: { year: number; onStarted(id: string): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const action = useAction();
  const options: { kind: PlanKind; code: string; name: string }[] = [
    ...(me.role === 'area_leader' || me.role === 'admin' ? (me.role === 'admin' ? dir.areas : dir.areas.filter((a) => me.areaCodes.includes(a.code))).map((a) => ({ kind: 'area' as const, code: a.code, name: a.name })) : []),
    ...(me.role === 'department_head' || me.role === 'admin'
      ? (me.role === 'admin' ? dir.departments : dir.departments.filter((d) => d.code === me.departmentCode)).map((d) => ({ kind: 'department' as const, code: d.code, name: d.name }))
      : []),
  ];
  const [choice, setChoice] = useState('');
  if (!(PLAN_OPERATIONS.createPlan as readonly string[]).includes(me.role) || options.length === 0) return null;
  const chosen = options.find((o) => `${o.kind}:${o.code}` === choice) ?? options[0]!;
  const start = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const plan = await api<Plan>('/plans', { body: { kind: chosen.kind, year, ...(chosen.kind === 'area' ? { areaCode: chosen.code } : { departmentCode: chosen.code }) } });
      onStarted(plan.id);
    });
  };
  return (
    <form className="panel plan-start" onSubmit={start} data-testid="plan-start">
      <label>
        {t('plans.startFor', { year })}
        <select value={`${chosen.kind}:${chosen.code}`} onChange={(e) => setChoice(e.target.value)} data-testid="plan-start-choice">
          {options.map((o) => <option key={`${o.kind}:${o.code}`} value={`${o.kind}:${o.code}`}>{t(`plans.kind.${o.kind}`)} · {o.name}</option>)}
        </select>
      </label>
      <button type="submit" className="primary" disabled={action.busy} data-testid="plan-start-submit">{t('plans.start')}</button>
      <ProblemBox problem={action.problem} />
    </form>
  );
}

function PlanList() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year') ?? thisYear());
  const kind = (PLAN_KINDS as readonly string[]).includes(params.get('kind') ?? '') ? (params.get('kind') as PlanKind) : '';
  const area = params.get('area') ?? '';
  const department = params.get('department') ?? '';
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim(), 150);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) =>
      api<CursorPage<Plan>>(withQuery('/plans', { year, kind: kind || undefined, area: area || undefined, department: department || undefined, q: term || undefined, limit: PAGE, cursor }), { signal }),
    [year, kind, area, department, term],
  );
  const list = useCursorList(load, `${year}|${kind}|${area}|${department}|${term}`);
  const years = [thisYear() + 1, thisYear(), thisYear() - 1, thisYear() - 2];

  return (
    <div className="page plans">
      <div className="page-head">
        <h1>{t('plans.title')}</h1>
      </div>
      <p className="muted small">{t('plans.explain')}</p>
      <section className="panel">
        <div className="plan-filters">
          <label>
            {t('plans.year')}
            <select value={year} onChange={(e) => set('year', e.target.value)} data-testid="plans-year">
              {years.map((y) => <option key={y} value={y}>{y}</option>)}
            </select>
          </label>
          <label>
            {t('plans.kindLabel')}
            <select value={kind} onChange={(e) => set('kind', e.target.value)} data-testid="plans-kind">
              <option value="">{t('plans.allKinds')}</option>
              {PLAN_KINDS.map((k) => <option key={k} value={k}>{t(`plans.kind.${k}`)}</option>)}
            </select>
          </label>
          <label>
            {t('plans.area')}
            <select value={area} onChange={(e) => set('area', e.target.value)} data-testid="plans-area">
              <option value="">{t('plans.allAreas')}</option>
              {dir.areas.map((a) => <option key={a.code} value={a.code}>{a.name}</option>)}
            </select>
          </label>
          <label>
            {t('plans.department')}
            <select value={department} onChange={(e) => set('department', e.target.value)} data-testid="plans-department">
              <option value="">{t('plans.allDepartments')}</option>
              {dir.departments.map((d) => <option key={d.code} value={d.code}>{d.name}</option>)}
            </select>
          </label>
          <label className="wide">
            {t('plans.search')}
            <input type="search" value={q} maxLength={50} onChange={(e) => setQ(e.target.value)} placeholder={t('plans.search')} data-testid="plans-search" autoComplete="off" />
          </label>
        </div>
      </section>
      <StartPlan year={year} onStarted={(id) => navigate(`/plans/${id}`)} />
      <ProblemBox problem={list.problem} />
      {list.loading && !list.problem && <Loading />}
      {!list.loading && !list.problem && list.items.length === 0 && <p className="muted" data-testid="plans-none">{t('plans.none')}</p>}
      <ul className="plan-list" aria-busy={list.busy}>
        {list.items.map((p) => (
          <li key={p.id} className="panel plan-row" data-testid="plan-row" data-plan={p.id} data-kind={p.kind}>
            <div className="plan-row-head">
              <Link to={`/plans/${p.id}`} data-testid="plan-open">{p.title}</Link>
              <span className="tag">{t(`plans.kind.${p.kind}`)}</span>
            </div>
            <div className="meta">
              <span>{p.ownerName}</span>
              <span>{p.year}</span>
              <span>{t('plans.villagesN', { count: p.villageCodes.length })}</span>
            </div>
            <Counts plan={p} />
          </li>
        ))}
      </ul>
      <Pager list={list} testid="plans-pager" />
    </div>
  );
}

/** The plan's figure from reporting: its items due this year, done on time, late, overdue (the roles that read figures). */
function PlanFigure({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [answer, setAnswer] = useState<PlanFiguresResponse | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    const c = new AbortController();
    api<PlanFiguresResponse>(withQuery('/reports/plans', { from: `${plan.year}-01-01`, to: `${plan.year}-12-31`, kind: plan.kind }), { signal: c.signal })
      .then(setAnswer)
      .catch((err: unknown) => { if (!c.signal.aborted) setProblem(problemOf(err)); });
    return () => c.abort();
  }, [plan.id, plan.year, plan.kind]);
  if (problem) return <ProblemBox problem={problem} />;
  if (!answer) return <Loading />;
  const row = answer.items.find((r) => r.planId === plan.id);
  return (
    <section className="panel" data-testid="plan-figure">
      <h2>{t('plans.figureTitle', { year: plan.year })}</h2>
      {!row ? (
        <p className="muted" data-testid="plan-figure-none">{t('plans.figureNone')}</p>
      ) : (
        <dl className="plan-figures">
          <div><dt>{t('plans.fig.due')}</dt><dd data-testid="fig-due">{row.due}</dd></div>
          <div><dt>{t('plans.fig.doneOnTime')}</dt><dd data-testid="fig-done-on-time">{row.doneOnTime}</dd></div>
          <div><dt>{t('plans.fig.doneLate')}</dt><dd data-testid="fig-done-late">{row.doneLate}</dd></div>
          <div><dt>{t('plans.fig.overdue')}</dt><dd data-testid="fig-overdue">{row.overdue}</dd></div>
          <div><dt>{t('plans.fig.open')}</dt><dd>{row.open}</dd></div>
          <div><dt>{t('plans.fig.dropped')}</dt><dd>{row.dropped}</dd></div>
          <div><dt>{t('plans.fig.completion')}</dt><dd data-testid="fig-completion">{row.completionRate === null ? '—' : f.percent(row.completionRate)}</dd></div>
        </dl>
      )}
      <p className="muted small">{t('plans.figureExplain', { today: answer.today })}</p>
    </section>
  );
}

/** The owner choices for an item: the department's cadres for a department plan, any cadre for an area plan. */
function useOwners(plan: Plan) {
  const dir = useDirectory();
  return plan.kind === 'department' ? dir.cadres.filter((c) => c.departmentCode === plan.departmentCode) : dir.cadres;
}

interface Terms { title: string; ownerCode: string; dueDate: string; villageCodes: string[] }

function ItemTerms({ plan, value, onChange, idPrefix }: { plan: Plan; value: Terms; onChange(v: Terms): void; idPrefix: string }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const owners = useOwners(plan);
  return (
    <div className="plan-form-grid">
      <label className="wide">
        {t('plans.itemTitle')}
        <input value={value.title} maxLength={200} required onChange={(e) => onChange({ ...value, title: e.target.value })} data-testid={`${idPrefix}-title`} />
      </label>
      <label>
        {t('plans.owner')}
        <select value={value.ownerCode} required onChange={(e) => onChange({ ...value, ownerCode: e.target.value })} data-testid={`${idPrefix}-owner`}>
          <option value="">{t('plans.chooseOwner')}</option>
          {owners.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </select>
      </label>
      <label>
        {t('plans.dueDate')}
        <input type="date" value={value.dueDate} required onChange={(e) => onChange({ ...value, dueDate: e.target.value })} data-testid={`${idPrefix}-due`} />
      </label>
      {plan.villageCodes.length > 0 && (
        <fieldset className="wide plan-villages">
          <legend>{t('plans.villages')}</legend>
          {plan.villageCodes.map((v) => (
            <label key={v} className="check">
              <input
                type="checkbox"
                checked={value.villageCodes.includes(v)}
                onChange={(e) => onChange({ ...value, villageCodes: e.target.checked ? [...value.villageCodes, v] : value.villageCodes.filter((x) => x !== v) })}
              />{' '}
              {dir.village(v)}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}

function AddItem({ plan, onAdded }: { plan: Plan; onAdded(): void }) {
  const { t } = useTranslation();
  const action = useAction();
  const blank: Terms = { title: '', ownerCode: '', dueDate: '', villageCodes: [] };
  const [terms, setTerms] = useState<Terms>(blank);
  const [open, setOpen] = useState(false);
  if (!open) return <button type="button" className="primary" onClick={() => setOpen(true)} data-testid="plan-add-item">{t('plans.addItem')}</button>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api<PlanItem>(`/plans/${plan.id}/items`, { body: { ...terms, title: terms.title.trim() } });
      setTerms(blank);
      setOpen(false);
      onAdded();
    });
  };
  return (
    <form className="panel plan-item-form" onSubmit={submit} data-testid="plan-item-form">
      <h2>{t('plans.addItem')}</h2>
      <ItemTerms plan={plan} value={terms} onChange={setTerms} idPrefix="new-item" />
      <ProblemBox problem={action.problem} />
      <div className="plan-actions">
        <button type="submit" className="primary" disabled={action.busy} data-testid="new-item-submit">{t('plans.save')}</button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>{t('plans.cancel')}</button>
      </div>
    </form>
  );
}

function History({ plan, item }: { plan: Plan; item: PlanItem }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) => api<CursorPage<PlanItemRevision>>(withQuery(`/plans/${plan.id}/items/${item.id}/history`, { limit: 10, cursor }), { signal }),
    [plan.id, item.id],
  );
  const list = useCursorList(load, `${item.id}|${item.revision}`);
  return (
    <div className="plan-history" data-testid="plan-item-history">
      <ProblemBox problem={list.problem} />
      <ol>
        {list.items.map((r) => (
          <li key={r.revision} data-testid="plan-revision" data-change={r.change} data-status={r.status}>
            <span className="muted small">{f.dateTime(r.at)} · {r.by.name}</span>{' '}
            <span>{t(`plans.change.${r.change}`)}</span>
            {r.previousStatus && r.previousStatus !== r.status && <span> · {t(`plans.status.${r.previousStatus}`)} → {t(`plans.status.${r.status}`)}</span>}
            {r.change !== 'progress' && <span className="muted small"> · {dir.cadre(r.ownerCode)} · {r.dueDate}</span>}
            {r.note && <div className="plan-note">{r.note}</div>}
          </li>
        ))}
      </ol>
      <Pager list={list} testid="plan-history-pager" />
    </div>
  );
}

function ItemRow({ plan, item, onChanged }: { plan: Plan; item: PlanItem; onChanged(): void }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const action = useAction();
  const [note, setNote] = useState('');
  const [showHistory, setShowHistory] = useState(false);
  const [editing, setEditing] = useState(false);
  const [terms, setTerms] = useState<Terms>({ title: item.title, ownerCode: item.ownerCode, dueDate: item.dueDate, villageCodes: item.villageCodes });
  const moves = PLAN_ITEM_MOVES[item.status];
  const progress = (status?: PlanItemStatus) =>
    action.run(async () => {
      await api<PlanItem>(`/plans/${plan.id}/items/${item.id}/progress`, { body: { baseRevision: item.revision, ...(status ? { status } : {}), ...(note.trim() ? { note: note.trim() } : {}) } });
      setNote('');
      onChanged();
    });
  const saveTerms = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api<PlanItem>(`/plans/${plan.id}/items/${item.id}`, { method: 'PATCH', body: { baseRevision: item.revision, ...terms, title: terms.title.trim() } });
      setEditing(false);
      onChanged();
    });
  };
  return (
    <li className="plan-item" data-testid="plan-item" data-item={item.id} data-status={item.status} data-owner={item.ownerCode} data-overdue={item.overdue}>
      <div className="plan-item-head">
        <strong className="plan-item-title">{item.title}</strong>
        <span className={`tag plan-status-${item.status}`} data-testid="plan-item-status">{t(`plans.status.${item.status}`)}</span>
        {item.overdue && <span className="tag key" data-testid="plan-item-overdue">{t('plans.overdue')}</span>}
      </div>
      <div className="meta">
        <span>{t('plans.ownerIs', { name: item.ownerName })}</span>
        <span>{t('plans.dueOn', { date: item.dueDate })}</span>
        {item.doneOn && <span>{t('plans.doneOn', { date: item.doneOn })}</span>}
        {item.villageCodes.length > 0 && <span>{item.villageCodes.map((v) => dir.village(v)).join('、')}</span>}
      </div>
      {item.dropReason && <p className="plan-note small">{t('plans.dropReason')}: {item.dropReason}</p>}
      {item.lastNote && item.lastNote !== item.dropReason && <p className="plan-note small">{item.lastNote}</p>}
      {item.mayProgress && (
        <div className="plan-progress-form">
          <label>
            {t('plans.note')}
            <textarea rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="plan-item-note" />
          </label>
          <div className="plan-actions">
            {moves.map((to) => (
              <button key={to} type="button" className={to === 'done' ? 'primary' : 'secondary'} disabled={action.busy} onClick={() => void progress(to)} data-testid={`plan-item-to-${to}`}>
                {t(`plans.move.${to}`)}
              </button>
            ))}
            <button type="button" className="secondary" disabled={action.busy || !note.trim()} onClick={() => void progress()} data-testid="plan-item-add-note">{t('plans.addNote')}</button>
          </div>
        </div>
      )}
      <ProblemBox problem={action.problem} />
      <div className="plan-actions">
        <button type="button" className="link" onClick={() => setShowHistory((s) => !s)} data-testid="plan-item-history-toggle">{showHistory ? t('plans.hideHistory') : t('plans.showHistory')}</button>
        {item.mayEdit && !editing && <button type="button" className="link" onClick={() => setEditing(true)} data-testid="plan-item-edit">{t('plans.edit')}</button>}
      </div>
      {editing && (
        <form onSubmit={saveTerms} className="plan-item-form" data-testid="plan-item-edit-form">
          <ItemTerms plan={plan} value={terms} onChange={setTerms} idPrefix="edit-item" />
          <div className="plan-actions">
            <button type="submit" className="primary" disabled={action.busy}>{t('plans.save')}</button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>{t('plans.cancel')}</button>
          </div>
        </form>
      )}
      {showHistory && <History plan={plan} item={item} />}
    </li>
  );
}

function PlanPage({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [generation, setGeneration] = useState(0);
  const [status, setStatus] = useState<PlanItemStatus | ''>('');
  const [mine, setMine] = useState(false);
  const [overdue, setOverdue] = useState(false);
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim(), 150);
  useEffect(() => {
    const c = new AbortController();
    api<Plan>(`/plans/${planId}`, { signal: c.signal }).then(setPlan).catch((err: unknown) => { if (!c.signal.aborted) setProblem(problemOf(err)); });
    return () => c.abort();
  }, [planId, generation]);
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) =>
      api<CursorPage<PlanItem>>(withQuery(`/plans/${planId}/items`, { status: status || undefined, owner: mine && me.cadreCode ? me.cadreCode : undefined, overdue: overdue || undefined, q: term || undefined, limit: PAGE, cursor }), { signal }),
    [planId, status, mine, overdue, term, me.cadreCode],
  );
  const list = useCursorList(load, `${planId}|${status}|${mine}|${overdue}|${term}|${generation}`);
  const changed = () => setGeneration((g) => g + 1);
  if (problem) return <div className="page"><ProblemBox problem={problem} /><Link to="/plans">{t('plans.back')}</Link></div>;
  if (!plan) return <Loading />;
  const readsFigures = (REPORT_OPERATIONS.planFigures as readonly string[]).includes(me.role);
  return (
    <div className="page plans" data-testid="plan-page" data-plan={plan.id}>
      <p className="small"><Link to="/plans">← {t('plans.back')}</Link></p>
      <div className="page-head">
        <h1 data-testid="plan-title">{plan.title}</h1>
        <span className="tag">{t(`plans.kind.${plan.kind}`)}</span>
      </div>
      <div className="meta">
        <span>{plan.ownerName}</span>
        <span>{plan.year}</span>
        {plan.villageCodes.length > 0 && <span>{plan.villageCodes.map((v) => dir.village(v)).join('、')}</span>}
      </div>
      <section className="panel">
        <h2>{t('plans.progress')}</h2>
        <Counts plan={plan} />
      </section>
      {readsFigures && <PlanFigure key={generation} plan={plan} />}
      {plan.editable && <AddItem plan={plan} onAdded={changed} />}
      <section className="panel" data-testid="plan-items">
        <h2>{t('plans.items')}</h2>
        <div className="plan-filters">
          <label>
            {t('plans.statusLabel')}
            <select value={status} onChange={(e) => setStatus(e.target.value as PlanItemStatus | '')} data-testid="plan-items-status">
              <option value="">{t('plans.allStatuses')}</option>
              {PLAN_ITEM_STATUSES.map((s) => <option key={s} value={s}>{t(`plans.status.${s}`)}</option>)}
            </select>
          </label>
          <label className="wide">
            {t('plans.searchItems')}
            <input type="search" value={q} maxLength={50} onChange={(e) => setQ(e.target.value)} data-testid="plan-items-search" autoComplete="off" />
          </label>
          <label className="check"><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} data-testid="plan-items-overdue" /> {t('plans.onlyOverdue')}</label>
          {me.cadreCode && <label className="check"><input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} data-testid="plan-items-mine" /> {t('plans.onlyMine')}</label>}
        </div>
        <ProblemBox problem={list.problem} />
        {list.loading && !list.problem && <Loading />}
        {!list.loading && !list.problem && list.items.length === 0 && <p className="muted" data-testid="plan-items-none">{t('plans.noItems')}</p>}
        <ul className="plan-items" aria-busy={list.busy}>
          {list.items.map((i) => <ItemRow key={`${i.id}:${i.revision}`} plan={plan} item={i} onChanged={changed} />)}
        </ul>
        <Pager list={list} testid="plan-items-pager" />
      </section>
    </div>
  );
}

export default function Plans() {
  const { planId } = useParams();
  return planId ? <PlanPage planId={planId} /> : <PlanList />;
}
