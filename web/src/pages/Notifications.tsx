/**
 * The signed-in user's notifications (issue 14): cases assigned to them,
 * reminders, escalations, extensions to decide or decided — newest first, page
 * by page (GET /notifications with its cursor). The server sends codes and
 * params; the texts are worded here, in the console's language.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, problemOf, withQuery, type Problem } from '../api';
import { ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { useFormat } from '../format';
import { durationUnitOf, useMinutesPerWorkingDay } from '../moves';
import type { StaffNotification } from '@minqing/shared/domain';

interface NotificationPage {
  items: StaffNotification[];
  nextCursor: string | null;
  hasMore: boolean;
  unread: number;
}

const PAGE_SIZE = 20;
const changed = () => window.dispatchEvent(new Event('minqing:notifications-changed'));

export default function Notifications() {
  const { t } = useTranslation();
  const f = useFormat();
  const minutesPerWorkingDay = useMinutesPerWorkingDay();
  const [items, setItems] = useState<StaffNotification[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);

  const load = useCallback(async (cursor: string | null) => {
    setLoading(true);
    setProblem(null);
    try {
      const page = await api<NotificationPage>(withQuery('/notifications', { limit: PAGE_SIZE, cursor }));
      setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
      setNext(page.hasMore ? page.nextCursor : null);
      setUnread(page.unread);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  async function markRead(n: StaffNotification) {
    try {
      await api<null>(`/notifications/${n.id}/read`, { method: 'POST' });
      setItems((prev) => prev.map((x) => (x.id === n.id ? { ...x, read: true } : x)));
      setUnread((u) => Math.max(0, u - (n.read ? 0 : 1)));
      changed();
    } catch (err) {
      setProblem(problemOf(err));
    }
  }

  async function markAll() {
    try {
      await api<{ marked: number }>('/notifications/read-all', { method: 'POST' });
      setItems((prev) => prev.map((x) => ({ ...x, read: true })));
      setUnread(0);
      changed();
    } catch (err) {
      setProblem(problemOf(err));
    }
  }

  /**
   * An extension's length as it was asked (moves.ts): working days for a normal case, hours for an
   * urgent one; minutes only for a notice from before the case's priority went along.
   */
  const amount = (minutes: number, priority: unknown) => {
    if (typeof priority !== 'string') return t('notifications.amount.minutes', { n: minutes });
    const unit = durationUnitOf(priority, minutesPerWorkingDay);
    const n = Math.round((minutes / unit.minutes) * 10) / 10;
    return unit.unit === 'hour' ? t('notifications.amount.hours', { n }) : t('notifications.amount.workingDays', { n });
  };

  /** The notice in words: its code's text with its params (a phase, a yes/no and a length worded too). */
  const text = (n: StaffNotification) => {
    const p = n.params;
    const phase = typeof p.phase === 'string' ? t(`notifications.phase.${p.phase}`, { defaultValue: p.phase }) : '';
    const decision = p.approved === true ? t('notifications.approved') : p.approved === false ? t('notifications.declined') : '';
    const length = typeof p.minutes === 'number' ? amount(p.minutes, p.priority) : '';
    return t(`notifications.code.${n.code}`, { ...p, phase, decision, amount: length, defaultValue: n.code });
  };

  return (
    <section className="panel" data-testid="notifications">
      <div className="panel-head">
        <h1>{t('notifications.title')}</h1>
        <span className="muted" data-testid="notifications-unread">
          {t('notifications.unreadCount', { count: unread })}
        </span>
        {unread > 0 && (
          <button type="button" className="secondary" data-testid="notifications-read-all" onClick={() => void markAll()}>
            {t('notifications.markAll')}
          </button>
        )}
      </div>
      {problem && <ProblemBox problem={problem} />}
      {items.length === 0 && !loading && <p className="muted">{t('notifications.empty')}</p>}
      <ul className="notification-list">
        {items.map((n) => (
          <li key={n.id} className={n.read ? 'read' : 'unread'} data-testid="notification">
            <div>
              <strong>{text(n)}</strong>
              <div className="muted">
                <time dateTime={n.createdAt}>{f.dateTime(n.createdAt)}</time>
                {n.caseId && (
                  <>
                    {' · '}
                    <Link to={`/cases/${n.caseId}`} onClick={() => !n.read && void markRead(n)}>
                      {t('notifications.openCase')}
                    </Link>
                  </>
                )}
              </div>
            </div>
            {!n.read && (
              <button type="button" className="secondary small" data-testid="notification-read" onClick={() => void markRead(n)}>
                {t('notifications.markRead')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {loading && <Loading />}
      {next && !loading && (
        <button type="button" className="secondary" data-testid="notifications-more" onClick={() => void load(next)}>
          {t('notifications.more')}
        </button>
      )}
    </section>
  );
}
