/** Small shared pieces: status badge, due time, enum label. */
import { useTranslation } from 'react-i18next';
import { dueState, useFormat } from '../format';
import { LangSwitch } from './LangSwitch';

/** A translated enum value, falling back to the raw value for ones the console does not know. */
export function useEnum() {
  const { t, i18n } = useTranslation();
  return (group: string, value: string | null | undefined): string => {
    if (value === null || value === undefined || value === '') return '';
    if (group === 'timeline' && !i18n.exists(`timeline.${value}`)) {
      // reminder_<phase>_<n>, escalated_<phase>_<level>
      const m = /^(reminder|escalated)_(.+)_(\d+)$/.exec(value);
      if (m) return t(`timeline.${m[1]}Detail`, { phase: t(`phase.${m[2]}`, { defaultValue: m[2] }), n: m[3] });
    }
    return t(`${group}.${value}`, { defaultValue: value });
  };
}

export function StatusBadge({ status, testid }: { status: string; testid?: string }) {
  const label = useEnum();
  return (
    <span className={`badge status-${status}`} data-status={status} data-testid={testid}>
      {label('status', status)}
    </span>
  );
}

export function DueTime({ dueAt, paused }: { dueAt: string | null; paused: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const state = dueState(dueAt, paused);
  if (state === 'none') return <span className="due due-none">{t('due.none')}</span>;
  if (state === 'paused') return <span className="due due-paused">{t('due.paused')}</span>;
  return (
    <span className={`due due-${state}`} data-due-state={state}>
      {state === 'overdue' ? t('due.overdue', { when: f.relative(dueAt) }) : t('due.dueIn', { when: f.relative(dueAt) })}{' '}
      <time dateTime={dueAt ?? undefined} className="due-abs">{f.dateTime(dueAt)}</time>
    </span>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return <div className="loading" aria-busy="true">{t('common.loading')}</div>;
}

/** The product's mark and name, as in every header. */
export function Brand() {
  const { t } = useTranslation();
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">民</span>
      <span className="brand-name">{t('app.name')}</span>
    </div>
  );
}

/** The header of the pages anyone may open (sign-in, the residents' page): the mark and the language switch. */
export function PublicHeader() {
  return (
    <header className="public-header">
      <Brand />
      <LangSwitch />
    </header>
  );
}
