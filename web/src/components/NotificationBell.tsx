/** The bell in the header: the signed-in user's unread notifications (GET /notifications), checked every 30 s; opens the list. */
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api';

const POLL_MS = 30_000;

export function NotificationBell() {
  const { t } = useTranslation();
  const location = useLocation();
  const [unread, setUnread] = useState<number | null>(null);

  useEffect(() => {
    let stopped = false;
    const check = () =>
      api<{ unread: number }>('/notifications?limit=1')
        .then((r) => !stopped && setUnread(r.unread))
        .catch(() => undefined);
    void check();
    const timer = setInterval(check, POLL_MS);
    const onChange = () => void check();
    window.addEventListener('minqing:notifications-changed', onChange);
    return () => {
      stopped = true;
      clearInterval(timer);
      window.removeEventListener('minqing:notifications-changed', onChange);
    };
  }, [location.pathname]);

  const label = unread ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell');
  return (
    <Link to="/notifications" className="bell" data-testid="notification-bell" title={label} aria-label={label}>
      <span aria-hidden="true">🔔</span>
      {unread ? (
        <span className="bell-count" data-testid="notification-count">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  );
}
