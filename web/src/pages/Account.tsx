/** The signed-in user's own account: who the console thinks they are, and a password change. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { fieldError, ProblemBox } from '../components/ProblemBox';
import { useEnum } from '../components/bits';
import { useAction } from '../useAction';

const MIN_PASSWORD = 8;

function PasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [invalid, setInvalid] = useState<{ field: 'current' | 'new' | 'again'; message: string } | null>(null);
  const { busy, problem, setProblem, run } = useAction();
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    setProblem(null);
    // Checked here first, so a typo never reaches the server.
    const bad = !current
      ? { field: 'current' as const, message: t('account.currentRequired') }
      : next.length < MIN_PASSWORD
        ? { field: 'new' as const, message: t('account.tooShort') }
        : next !== again
          ? { field: 'again' as const, message: t('account.mismatch') }
          : null;
    setInvalid(bad);
    if (bad) return;
    await run(async () => {
      await api<void>('/auth/password', { method: 'PUT', body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    });
  }

  const error = (field: 'current' | 'new' | 'again') => {
    const msg = invalid?.field === field ? invalid.message : field === 'new' ? fieldError(problem, 'newPassword') : undefined;
    return msg ? <span className="field-error" role="alert" data-testid="password-error" data-field={field}>{msg}</span> : null;
  };

  return (
    <form className="panel form" data-testid="password-form" onSubmit={submit} noValidate>
      <h2>{t('account.passwordTitle')}</h2>
      <label>
        {t('account.current')}
        <input data-testid="current-password" type="password" autoComplete="current-password" value={current} maxLength={200} onChange={(e) => setCurrent(e.target.value)} />
        {error('current')}
      </label>
      <label>
        {t('account.new')}
        <input data-testid="new-password" type="password" autoComplete="new-password" value={next} maxLength={200} onChange={(e) => setNext(e.target.value)} />
        {error('new')}
      </label>
      <label>
        {t('account.again')}
        <input data-testid="new-password-again" type="password" autoComplete="new-password" value={again} maxLength={200} onChange={(e) => setAgain(e.target.value)} />
        {error('again')}
      </label>
      <ProblemBox problem={problem} message={problem?.status === 403 ? t('account.wrongCurrent') : undefined} />
      {done && (
        <p className="success" role="status" data-testid="password-saved">
          {t('account.saved')}
        </p>
      )}
      <button type="submit" className="primary big" data-testid="password-save" disabled={busy}>
        {busy ? t('common.saving') : t('account.save')}
      </button>
    </form>
  );
}

export default function Account() {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const label = useEnum();
  return (
    <div className="page account">
      <h1>{t('account.title')}</h1>
      <div className="account-grid">
        <section className="panel" data-testid="profile">
          <h2>{t('account.profile')}</h2>
          <dl className="details">
            <dt>{t('account.name')}</dt>
            <dd data-testid="profile-name">{me.name}</dd>
            <dt>{t('account.username')}</dt>
            <dd className="mono">{me.username}</dd>
            <dt>{t('account.role')}</dt>
            <dd data-testid="profile-role" data-role={me.role}>
              {label('role', me.role)}
              {me.cadreRole && me.cadreRole !== me.role && <small className="muted"> · {label('cadreRole', me.cadreRole)}</small>}
            </dd>
            <dt>{t('account.department')}</dt>
            <dd data-testid="profile-department">{dir.department(me.departmentCode) || t('common.none')}</dd>
            <dt>{t('account.servicePoint')}</dt>
            <dd data-testid="profile-service-point">
              {me.servicePoint ? me.servicePoint.name : t('common.none')}
              {me.channel && <small className="muted"> · {label('channel', me.channel)}</small>}
            </dd>
          </dl>
        </section>
        <PasswordForm />
      </div>
    </div>
  );
}
