/** Managers' escalation queue: escalated first, then nearest to breach; live over Server-Sent Events. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, withQuery } from '../api';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { useDirectory } from '../directory';
import { dueState, useFormat } from '../format';
import { ProblemBox } from '../components/ProblemBox';
import { DueTime, StatusBadge, useEnum } from '../components/bits';
import { CATEGORIES, type CaseListItem } from '../types';

type LiveState = 'connecting' | 'live' | 'offline';
const QUEUE_PAGE = 50;

/** Calls onChange (debounced) for every `changed` event; reports the connection state. */
function useLiveChanges(onChange: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const cb = useRef(onChange);
  cb.current = onChange;
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setState('offline');
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const es = new EventSource('/api/v1/escalations/stream', { withCredentials: true });
    // On every (re)connect, catch up on what changed while the stream was down.
    es.onopen = () => {
      setState('live');
      clearTimeout(timer);
      timer = setTimeout(() => cb.current(), 300);
    };
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    es.addEventListener('changed', () => {
      clearTimeout(timer);
      timer = setTimeout(() => cb.current(), 300);
    });
    // While the stream is down, poll now and then so the queue does not go stale.
    const poll = setInterval(() => es.readyState !== EventSource.OPEN && cb.current(), 30_000);
    return () => {
      clearTimeout(timer);
      clearInterval(poll);
      es.close();
    };
  }, []);
  return state;
}

export default function Queue() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const label = useEnum();
  const [department, setDepartment] = useState('');
  const [area, setArea] = useState('');
  const [category, setCategory] = useState('');
  const [level, setLevel] = useState('');
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);

  const load = useCallback(
    async (cursor: string | undefined, signal: AbortSignal): Promise<CursorPage<CaseListItem>> => {
      const scope = department ? { scope: 'department', code: department } : area ? { scope: 'area', code: area } : {};
      const page = await api<CursorPage<CaseListItem>>(withQuery('/escalations', { ...scope, category, level, limit: QUEUE_PAGE, cursor }), { signal });
      setUpdatedAt(new Date().toISOString());
      return page;
    },
    [department, area, category, level],
  );
  const list = useCursorList(load, `${department}|${area}|${category}|${level}`);
  const items = list.loading ? null : list.items;
  const problem = list.problem;
  const reload = list.reload;

  const live = useLiveChanges(reload);

  return (
    <div className="page queue">
      <div className="page-head">
        <h1>{t('queue.title')}</h1>
        <div className="toolbar">
          <span className={`live live-${live}`} data-testid="live-indicator" data-state={live} role="status">
            <span className="dot" aria-hidden="true" /> {t(`queue.live.${live}`)}
          </span>
          {updatedAt && <small className="muted">{t('queue.updated', { at: f.dateTime(updatedAt) })}</small>}
          <button type="button" className="secondary" data-testid="queue-refresh" onClick={reload}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <div className="filters panel">
        <label>
          {t('case.department')}
          <select data-testid="filter-department" value={department} onChange={(e) => { setDepartment(e.target.value); if (e.target.value) setArea(''); }}>
            <option value="">{t('common.all')}</option>
            {dir.departments.map((d) => (
              <option key={d.code} value={d.code}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('queue.area')}
          <select data-testid="filter-area" value={area} onChange={(e) => { setArea(e.target.value); if (e.target.value) setDepartment(''); }}>
            <option value="">{t('common.all')}</option>
            {dir.areas.map((a) => (
              <option key={a.code} value={a.code}>{a.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('case.category')}
          <select data-testid="filter-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>{label('category', c)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('queue.level')}
          <select data-testid="filter-level" value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {['0', '1', '2', '3'].map((l) => (
              <option key={l} value={l}>{label('escalation', l)}</option>
            ))}
          </select>
        </label>
      </div>
      <ProblemBox problem={problem} />
      <section className="panel" data-testid="escalation-queue" data-count={items?.length ?? 0}>
        {items === null && !problem && <p className="muted">{t('common.loading')}</p>}
        {items && items.length === 0 && <p className="muted">{t('queue.empty')}</p>}
        {items && items.length > 0 && (
          <div className="table-wrap">
            <table className="table stack">
              <thead>
                <tr>
                  <th>{t('queue.level')}</th>
                  <th>{t('case.title')}</th>
                  <th>{t('case.department')}</th>
                  <th>{t('case.village')}</th>
                  <th>{t('case.category')}</th>
                  <th>{t('case.assignee')}</th>
                  <th>{t('case.due')}</th>
                  <th>{t('case.status')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} className={`queue-row risk-${dueState(c.dueAt, c.paused)} esc-row-${c.escalationLevel}`} data-testid="queue-row" data-case-id={c.id} data-level={c.escalationLevel}>
                    <td data-label={t('queue.level')}><div className="cell">
                      <span className={`tag esc esc-${c.escalationLevel}`}>{label('escalation', String(c.escalationLevel))}</span>
                    </div></td>
                    <td data-label={t('case.title')}><div className="cell">
                      <Link to={`/cases/${c.id}`} className="case-title-link">{c.title}</Link>
                      <div className="mono small muted">{c.trackingCode}</div>
                    </div></td>
                    <td data-label={t('case.department')}><div className="cell">{dir.department(c.departmentCode) || t('common.none')}</div></td>
                    <td data-label={t('case.village')}><div className="cell">{dir.village(c.villageCode) || t('common.none')}</div></td>
                    <td data-label={t('case.category')}><div className="cell">{label('category', c.category)}</div></td>
                    <td data-label={t('case.assignee')}><div className="cell">{dir.cadre(c.assigneeCode) || t('case.unassigned')}</div></td>
                    <td data-label={t('case.due')}><div className="cell">
                      <DueTime dueAt={c.dueAt} paused={c.paused} />
                    </div></td>
                    <td data-label={t('case.status')}><div className="cell">
                      <StatusBadge status={c.status} />
                      <Link to={`/cases/${c.id}`} className="row-open">{t('queue.open')}</Link>
                    </div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager list={list} testid="queue-pager" />
      </section>
    </div>
  );
}
