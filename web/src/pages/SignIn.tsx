/** Sign in with username and password; the API sets the session cookie. */
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { homeFor, useAuth } from '../auth';
import { ProblemBox } from '../components/ProblemBox';
import { PublicHeader } from '../components/bits';
import { useAction } from '../useAction';

/** Only same-site paths, so ?next= cannot send anyone elsewhere. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : null;
}

export default function SignIn() {
  const { t } = useTranslation();
  const { me, signIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, problem, run } = useAction();
  const next = safeNext(params.get('next'));

  if (me && !busy) return <Navigate to={next ?? homeFor(me.role)} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const m = await signIn(username.trim(), password);
      navigate(next ?? homeFor(m.role), { replace: true });
    });
  }

  return (
    <div className="public-page">
      <PublicHeader />
      <main className="narrow">
        <form className="panel form" onSubmit={submit} noValidate>
          <h1>{t('signIn.title')}</h1>
          <label>
            {t('signIn.username')}
            <input
              data-testid="username"
              name="username"
              autoComplete="username"
              autoFocus
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
          <label>
            {t('signIn.password')}
            <input
              data-testid="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <ProblemBox
            problem={problem}
            message={
              problem?.type === 'urn:minqing:problem:account-locked'
                ? t('signIn.locked')
                : problem?.status === 429
                  ? t('signIn.tooMany')
                  : problem?.status === 401
                    ? t('signIn.wrong')
                    : undefined
            }
          />
          <button type="submit" className="primary big" data-testid="sign-in" disabled={busy}>
            {busy ? t('signIn.busy') : t('signIn.submit')}
          </button>
        </form>
        <p className="center">
          <Link to="/track">{t('signIn.trackLink')}</Link>
        </p>
      </main>
    </div>
  );
}
