/**
 * Staff account administration (administrators): the accounts, filterable by
 * role and text; one form for a new account and for changing one; and a box
 * that gives every roster cadre without an account one, with an initial password.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { staffRoleFor } from '@minqing/shared/access';
import type { CadreRole } from '@minqing/shared/domain';
import { api, problemOf, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory, type Directory } from '../directory';
import { fieldError, ProblemBox } from '../components/ProblemBox';
import { NotAllowed } from '../components/NotAllowed';
import { Loading, useEnum } from '../components/bits';
import { useFormat } from '../format';
import { INTAKE_CHANNELS, ROLES, type Account, type IntakeChannel, type Role } from '../types';
import { useAction } from '../useAction';

const MIN_PASSWORD = 8;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface Draft {
  username: string;
  cadreCode: string;
  name: string;
  /** '' for a new roster cadre's account: the role comes from the roster */
  role: Role | '';
  servicePointCode: string;
  channel: IntakeChannel | '';
  password: string;
  disabled: boolean;
  /** with a new password: the person chooses their own at the next sign-in */
  mustChangePassword: boolean;
}

const draftOf = (a: Account | null): Draft => ({
  username: a?.username ?? '',
  cadreCode: a?.cadreCode ?? '',
  name: a?.name ?? '',
  role: a?.role ?? '',
  servicePointCode: a?.servicePointCode ?? '',
  channel: a?.channel ?? '',
  password: '',
  disabled: a?.disabled ?? false,
  mustChangePassword: a ? a.mustChangePassword : true,
});

/** What the form sends: only what it knows, so the API's roster defaults apply to the rest. */
function bodyOf(d: Draft, account: Account | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    cadreCode: d.cadreCode || null,
    servicePointCode: d.servicePointCode || null,
    channel: d.channel || null,
    disabled: d.disabled,
  };
  if (d.name.trim()) body.name = d.name.trim();
  if (d.role) body.role = d.role;
  if (d.password) body.password = d.password;
  if (d.password || (account && d.mustChangePassword !== account.mustChangePassword)) body.mustChangePassword = d.mustChangePassword;
  return body;
}

type Saved = { username: string; created: boolean };

function AccountForm({ account, accounts, dir, saved, onSaved }: { account: Account | null; accounts: Account[]; dir: Directory; saved: Saved | null; onSaved(a: Account, created: boolean): void }) {
  const { t } = useTranslation();
  const label = useEnum();
  const isNew = account === null;
  const [d, setD] = useState<Draft>(() => draftOf(account));
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const { busy, problem, setProblem, run } = useAction();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((old) => ({ ...old, [k]: v }));

  const cadresWithAccount = useMemo(() => new Set(accounts.map((a) => a.cadreCode).filter(Boolean)), [accounts]);
  const cadre = dir.cadres.find((c) => c.code === d.cadreCode);
  const rosterRole = cadre ? staffRoleFor(cadre.role as CadreRole) : null;
  const error = (field: string) => invalid[field] ?? fieldError(problem, field);

  function chooseCadre(code: string) {
    const next = dir.cadres.find((c) => c.code === code);
    setD((old) => {
      const oldCadre = dir.cadres.find((c) => c.code === old.cadreCode);
      return {
        ...old,
        cadreCode: code,
        // A new account for a roster cadre: user name = cadre code, name from the roster, unless typed.
        username: isNew && (!old.username || old.username === old.cadreCode) ? code : old.username,
        name: next && (!old.name || old.name === oldCadre?.name) ? next.name : old.name,
      };
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const bad: Record<string, string> = {};
    const username = d.username.trim();
    if (isNew && !USERNAME.test(username)) bad.username = t('accounts.usernameRequired');
    if (isNew && !d.password) bad.password = t('accounts.passwordRequired');
    else if (d.password && d.password.length < MIN_PASSWORD) bad.password = t('accounts.passwordShort');
    if (!d.role && !d.cadreCode) bad.role = t('accounts.roleRequired');
    setInvalid(bad);
    setProblem(null);
    if (Object.keys(bad).length > 0) return;
    await run(async () => {
      const a = await api<Account>(`/accounts/${encodeURIComponent(username)}`, { method: 'PUT', body: bodyOf(d, account) });
      setD((old) => ({ ...old, password: '' }));
      onSaved(a, isNew);
    });
  }

  return (
    <form className="panel form" data-testid="account-form" data-mode={isNew ? 'new' : 'edit'} onSubmit={submit} noValidate>
      <h2>
        {isNew ? t('accounts.newTitle') : t('accounts.editTitle')}
        {!isNew && <span className="mono muted" translate="no"> {account.username}</span>}
      </h2>
      <label>
        {t('accounts.username')}
        <input
          data-testid="account-username"
          className="mono"
          value={d.username}
          readOnly={!isNew}
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="account-username-help"
          onChange={(e) => set('username', e.target.value)}
        />
        {isNew && <small id="account-username-help" className="muted">{t('accounts.usernameHelp')}</small>}
        {error('username') && <span className="field-error" role="alert">{error('username')}</span>}
      </label>
      <label>
        {t('accounts.cadre')}
        <select data-testid="account-cadre" value={d.cadreCode} onChange={(e) => chooseCadre(e.target.value)}>
          <option value="">{t('accounts.noCadre')}</option>
          {d.cadreCode && !cadre && <option value={d.cadreCode}>{d.cadreCode}</option>}
          {dir.cadres.map((c) => (
            <option key={c.code} value={c.code} translate="no">
              {c.name} · {c.code}
              {c.code !== account?.cadreCode && cadresWithAccount.has(c.code) ? ` (${t('accounts.hasAccount')})` : ''}
            </option>
          ))}
        </select>
        {error('cadreCode') && <span className="field-error" role="alert">{error('cadreCode')}</span>}
      </label>
      <div className="grid-2">
        <label>
          {t('accounts.name')}
          <input data-testid="account-name" value={d.name} maxLength={100} placeholder={cadre ? t('accounts.nameFromRoster') : undefined} onChange={(e) => set('name', e.target.value)} />
          {error('name') && <span className="field-error" role="alert">{error('name')}</span>}
        </label>
        <label>
          {t('accounts.role')}
          <select data-testid="account-role" value={d.role} onChange={(e) => set('role', e.target.value as Role | '')}>
            {(isNew || !d.role) && (
              <option value="">{rosterRole ? t('accounts.roleFromRoster', { role: label('role', rosterRole) }) : t('common.choose')}</option>
            )}
            {ROLES.map((r) => (
              <option key={r} value={r}>{label('role', r)}</option>
            ))}
          </select>
          {error('role') && <span className="field-error" role="alert">{error('role')}</span>}
        </label>
        <label>
          {t('accounts.servicePoint')}
          <select data-testid="account-service-point" value={d.servicePointCode} onChange={(e) => set('servicePointCode', e.target.value)}>
            <option value="">{t('common.none')}</option>
            {d.servicePointCode && !dir.servicePoints.some((s) => s.code === d.servicePointCode) && <option value={d.servicePointCode}>{d.servicePointCode}</option>}
            {dir.servicePoints.map((s) => (
              <option key={s.code} value={s.code} translate="no">
                {s.name} · {s.code}
              </option>
            ))}
          </select>
          {error('servicePointCode') && <span className="field-error" role="alert">{error('servicePointCode')}</span>}
        </label>
        <label>
          {t('accounts.channel')}
          <select data-testid="account-channel" value={d.channel} onChange={(e) => set('channel', e.target.value as IntakeChannel | '')}>
            <option value="">{t('common.none')}</option>
            {INTAKE_CHANNELS.map((c) => (
              <option key={c} value={c}>{label('channel', c)}</option>
            ))}
          </select>
          {error('channel') && <span className="field-error" role="alert">{error('channel')}</span>}
        </label>
      </div>
      <label>
        {t('accounts.password')}
        <input
          data-testid="account-password"
          type="password"
          autoComplete="new-password"
          value={d.password}
          maxLength={200}
          placeholder={isNew ? t('accounts.passwordNew') : t('accounts.passwordKeep')}
          onChange={(e) => set('password', e.target.value)}
        />
        {error('password') && <span className="field-error" role="alert">{error('password')}</span>}
      </label>
      {(d.password || !isNew) && (
        <label className="inline check">
          <input data-testid="account-must-change" type="checkbox" checked={d.mustChangePassword} onChange={(e) => set('mustChangePassword', e.target.checked)} />
          {t('accounts.mustChange')}
        </label>
      )}
      <label className="inline check">
        <input data-testid="account-disabled" type="checkbox" checked={d.disabled} onChange={(e) => set('disabled', e.target.checked)} aria-describedby="account-disabled-help" />
        {t('accounts.disabled')}
      </label>
      <small id="account-disabled-help" className="muted">{t('accounts.disabledHelp')}</small>
      {account?.lockedUntil && <LockedLine account={account} onUnlocked={(a) => onSaved(a, false)} />}
      <ProblemBox problem={problem} />
      {saved && (
        <p className="success" role="status" data-testid="account-saved" data-username={saved.username} data-created={saved.created}>
          {saved.created ? t('accounts.created', { username: saved.username }) : t('accounts.changed', { username: saved.username })}
        </p>
      )}
      <button type="submit" className="primary big" data-testid="account-save" disabled={busy}>
        {busy ? t('common.saving') : t('accounts.save')}
      </button>
    </form>
  );
}

/** A lock-out after too many failed sign-ins: until when, and the administrator's unlock. */
function LockedLine({ account, onUnlocked }: { account: Account; onUnlocked(a: Account): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { busy, problem, run } = useAction();
  return (
    <div className="locked-line" data-testid="account-locked" data-username={account.username}>
      <p className="small">
        <span className="tag locked">{t('accounts.lockedTag')}</span> {t('accounts.lockedUntil', { time: f.dateTime(account.lockedUntil) })}
      </p>
      <button
        type="button"
        className="secondary"
        data-testid="account-unlock"
        disabled={busy}
        onClick={() => void run(async () => onUnlocked(await api<Account>(`/accounts/${encodeURIComponent(account.username)}/unlock`, { method: 'POST', body: {} })))}
      >
        {t('accounts.unlock')}
      </button>
      <ProblemBox problem={problem} />
    </div>
  );
}

function ProvisionBox({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const { busy, problem, setProblem, run } = useAction();
  const [created, setCreated] = useState<string[] | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    setProblem(null);
    if (password.length < MIN_PASSWORD) {
      setInvalid(t('accounts.passwordShort'));
      return;
    }
    setInvalid(null);
    await run(async () => {
      const r = await api<{ created: string[] }>('/accounts/provision', { body: { password } });
      setCreated(r.created);
      setPassword('');
      onDone();
    });
  }

  return (
    <form className="panel form" data-testid="provision-form" onSubmit={submit} noValidate>
      <h2>{t('accounts.provisionTitle')}</h2>
      <p className="muted small">{t('accounts.provisionHelp')}</p>
      <label>
        {t('accounts.provisionPassword')}
        <input data-testid="provision-password" type="password" autoComplete="new-password" value={password} maxLength={200} placeholder={t('accounts.passwordNew')} onChange={(e) => setPassword(e.target.value)} />
        {(invalid ?? fieldError(problem, 'password')) && <span className="field-error" role="alert">{invalid ?? fieldError(problem, 'password')}</span>}
      </label>
      <ProblemBox problem={problem} />
      {created && (
        <div className="success" role="status" data-testid="provision-done" data-count={created.length}>
          {t('accounts.provisionDone', { count: created.length })}
          {created.length > 0 && <p className="small mono break" translate="no">{created.slice(0, 50).join(', ')}{created.length > 50 ? ' …' : ''}</p>}
        </div>
      )}
      <button type="submit" className="secondary" data-testid="provision-submit" disabled={busy}>
        {busy ? t('accounts.provisionBusy') : t('accounts.provisionSubmit')}
      </button>
    </form>
  );
}

function Admin() {
  const { t } = useTranslation();
  const label = useEnum();
  const dir = useDirectory();
  const [items, setItems] = useState<Account[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [text, setText] = useState('');
  const [role, setRole] = useState('');
  /** null: a new account */
  const [selected, setSelected] = useState<string | null>(null);
  /** bumped to start a fresh form even when the selection stays the same */
  const [formKey, setFormKey] = useState(0);
  const [saved, setSaved] = useState<Saved | null>(null);
  const formRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      const r = await api<{ items: Account[] }>('/accounts');
      setItems(r.items);
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const shown = useMemo(() => {
    const q = text.trim().toLowerCase();
    return (items ?? []).filter(
      (a) => (!role || a.role === role) && (!q || [a.username, a.name, a.cadreCode ?? ''].some((s) => s.toLowerCase().includes(q))),
    );
  }, [items, text, role]);
  const account = selected === null ? null : (items?.find((a) => a.username === selected) ?? null);

  function open(username: string | null) {
    setSelected(username);
    setSaved(null);
    setFormKey((k) => k + 1);
    formRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function onSaved(a: Account, created: boolean) {
    setItems((old) => {
      const rest = (old ?? []).filter((x) => x.username !== a.username);
      return [...rest, a].sort((x, y) => x.username.localeCompare(y.username));
    });
    setSelected(a.username);
    setSaved({ username: a.username, created });
  }

  return (
    <div className="page accounts">
      <div className="page-head">
        <h1>{t('accounts.title')}</h1>
        <button type="button" className="primary" data-testid="account-new" onClick={() => open(null)}>
          {t('accounts.new')}
        </button>
      </div>
      <div className="two-col">
        <section className="panel">
          <div className="panel-head">
            <h2>
              {t('accounts.list')}{' '}
              <span className="count" data-testid="account-count">
                {items && shown.length !== items.length ? `${shown.length} / ${items.length}` : (items?.length ?? 0)}
              </span>
            </h2>
          </div>
          <div className="account-filters">
            <input type="search" data-testid="account-filter" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('accounts.filter')} aria-label={t('accounts.filter')} />
            <select data-testid="account-filter-role" value={role} onChange={(e) => setRole(e.target.value)} aria-label={t('accounts.filterRole')}>
              <option value="">{t('accounts.filterRole')}: {t('common.all')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>{label('role', r)}</option>
              ))}
            </select>
          </div>
          <ProblemBox problem={problem} />
          {!items && !problem && <Loading />}
          {items && shown.length === 0 && <p className="muted">{t('accounts.none')}</p>}
          <ul className="account-list" data-testid="account-list">
            {shown.map((a) => (
              <li
                key={a.username}
                className={`account-row${a.username === selected ? ' selected' : ''}${a.disabled ? ' disabled' : ''}`}
                data-testid="account-row"
                data-username={a.username}
                data-role={a.role}
                data-disabled={a.disabled}
                data-locked={a.lockedUntil !== null}
                data-must-change={a.mustChangePassword}
              >
                <button type="button" onClick={() => open(a.username)} aria-current={a.username === selected ? 'true' : undefined}>
                  <span className="account-row-head">
                    <strong>{a.name}</strong>
                    <span className="badge">{label('role', a.role)}</span>
                    {a.disabled && <span className="tag disabled">{t('accounts.disabledTag')}</span>}
                    {a.lockedUntil && <span className="tag locked">{t('accounts.lockedTag')}</span>}
                    {a.mustChangePassword && !a.disabled && <span className="tag">{t('accounts.mustChangeTag')}</span>}
                  </span>
                  <span className="meta">
                    <span className="mono" translate="no">{a.username}</span>
                    {a.cadreCode && a.cadreCode !== a.username && <span className="mono" translate="no">{a.cadreCode}</span>}
                    {a.servicePointCode && <span>{dir.servicePoint(a.servicePointCode)}</span>}
                    {a.channel && <span>{label('channel', a.channel)}</span>}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <div ref={formRef} className="accounts-side">
          {(selected === null || account) && (
            <AccountForm key={`${selected ?? ''}#${formKey}`} account={account} accounts={items ?? []} dir={dir} saved={saved} onSaved={onSaved} />
          )}
          <ProvisionBox onDone={() => void load()} />
        </div>
      </div>
    </div>
  );
}

export default function Accounts() {
  const me = useMe();
  return me.role === 'admin' ? <Admin /> : <NotAllowed />;
}
