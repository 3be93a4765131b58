/** The signed-in frame: header with the role's links, the user's name, sign-out and language switch. */
import { Link, NavLink, Outlet } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { Suspense } from 'react';
import { useAuth } from '../auth';
import { navFor } from '../screens';
import { LangSwitch } from './LangSwitch';
import { Brand } from './bits';
import { FirstPassword } from './PasswordForm';
import { NotificationBell } from './NotificationBell';

export function Layout() {
  const { t } = useTranslation();
  const { me, signOut, refresh } = useAuth();
  // An initial or reset password: nothing but the change form until it is changed (the API refuses the rest anyway).
  const firstPassword = me?.mustChangePassword === true;
  return (
    <div className="app">
      <header className="app-header">
        <Brand />
        {me && !firstPassword && (
          <nav className="nav" data-testid="nav" aria-label={t('nav.label')}>
            {navFor(me.role).map((l) => (
              <NavLink key={l.to} to={l.to} className={({ isActive }) => (isActive ? 'active' : undefined)}>
                {t(l.key)}
              </NavLink>
            ))}
          </nav>
        )}
        <div className="header-tools">
          {me && !firstPassword && <NotificationBell />}
          {me && (
            <Link to="/account" className="me" data-testid="me-link" title={`${t('nav.account')} · ${t(`role.${me.role}`)}`}>
              <span data-testid="me">{me.name}</span>
              <small className="me-role">{t(`role.${me.role}`)}</small>
            </Link>
          )}
          <LangSwitch />
          {me && (
            <button type="button" className="secondary" data-testid="sign-out" onClick={() => void signOut()}>
              {t('nav.signOut')}
            </button>
          )}
        </div>
      </header>
      <main className="app-main">
        <Suspense fallback={<div className="loading" aria-busy="true">{t('common.loading')}</div>}>
          {firstPassword ? <FirstPassword onChanged={refresh} /> : <Outlet />}
        </Suspense>
      </main>
    </div>
  );
}
