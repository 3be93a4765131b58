/**
 * Change your own password (PUT /auth/password): on "My account", and first of
 * all after signing in with an initial or administrator-set password.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { fieldError, ProblemBox } from './ProblemBox';
import { useAction } from '../useAction';

const MIN_PASSWORD = 8;

export function PasswordForm({ title, intro, onChanged }: { title?: string; intro?: ReactNode; onChanged?(): void | Promise<void> }) {
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
          : next === current
            ? { field: 'new' as const, message: t('account.sameAsCurrent') }
            : null;
    setInvalid(bad);
    if (bad) return;
    await run(async () => {
      await api<void>('/auth/password', { method: 'PUT', body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
      await onChanged?.();
    });
  }

  const error = (field: 'current' | 'new' | 'again') => {
    const msg = invalid?.field === field ? invalid.message : field === 'new' ? fieldError(problem, 'newPassword', t) : undefined;
    return msg ? <span className="field-error" role="alert" data-testid="password-error" data-field={field}>{msg}</span> : null;
  };

  return (
    <form className="panel form" data-testid="password-form" onSubmit={submit} noValidate>
      <h2>{title ?? t('account.passwordTitle')}</h2>
      {intro}
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

/** What a session with an initial or reset password sees instead of any screen, until the password is changed. */
export function FirstPassword({ onChanged }: { onChanged(): void | Promise<void> }) {
  const { t } = useTranslation();
  return (
    <div className="page account first-password" data-testid="first-password">
      <h1>{t('account.firstTitle')}</h1>
      <div className="narrow">
        <PasswordForm title={t('account.firstFormTitle')} intro={<p className="muted">{t('account.firstIntro')}</p>} onChanged={onChanged} />
      </div>
    </div>
  );
}
