/** A cadre's inbox: new, due soon, overdue, in progress, and decisions waiting on a manager. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { ProblemBox } from '../components/ProblemBox';
import { TaskItem } from '../components/CaseItems';
import { Loading } from '../components/bits';
import { isManager, type Tasks } from '../types';

const SECTIONS = [
  { key: 'overdue', testid: 'inbox-overdue' },
  { key: 'new', testid: 'inbox-new' },
  { key: 'dueSoon', testid: 'inbox-due-soon' },
  { key: 'inProgress', testid: 'inbox-in-progress' },
  { key: 'decisions', testid: 'inbox-decisions' },
] as const;

export default function Inbox() {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const manager = isManager(me.role);
  const [cadre, setCadre] = useState('');
  const [tasks, setTasks] = useState<Tasks | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  // An account that is not a roster cadre (an administrator) has no inbox of its own: it reads a cadre's by name.
  const own = !!me.cadreCode;
  const load = useCallback(async () => {
    if (!cadre && !own) return;
    try {
      setTasks(await api<Tasks>(withQuery('/tasks', { cadre: cadre || undefined })));
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, [cadre, own]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 60_000);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <div className="page inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        <div className="toolbar">
          {manager && (
            <label className="inline">
              {t('inbox.viewOf')}
              <select data-testid="inbox-cadre" value={cadre} onChange={(e) => setCadre(e.target.value)}>
                <option value="">{own ? t('inbox.me') : t('inbox.pickCadre')}</option>
                {dir.cadres
                  .filter((c) => !me.departmentCode || me.role !== 'department_head' || c.departmentCode === me.departmentCode)
                  .map((c) => (
                    <option key={c.code} value={c.code}>{c.name}</option>
                  ))}
              </select>
            </label>
          )}
          <button type="button" className="secondary" data-testid="inbox-refresh" onClick={() => void load()}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <ProblemBox problem={problem} />
      {!tasks && !problem && <Loading />}
      {tasks && (
        <div className="sections">
          {SECTIONS.map((s) => {
            const items = tasks[s.key] ?? [];
            if (s.key === 'decisions' && !manager && items.length === 0) return <section key={s.key} data-testid={s.testid} hidden />;
            return (
              <section key={s.key} className={`panel section-${s.key}`} data-testid={s.testid} data-count={items.length}>
                <h2>
                  {t(`inbox.${s.key}`)} <span className="count">{items.length}</span>
                </h2>
                {items.length === 0 ? (
                  <p className="muted">{t('inbox.empty')}</p>
                ) : (
                  <ul className="task-list">
                    {items.map((c) => (
                      <TaskItem key={c.id} c={c} />
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}
