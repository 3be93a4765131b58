/**
 * The SLA policy (办理时限) new cases start under: per category and priority how
 * long signing for, answering and the callback may take (working days for
 * normal cases, clock hours for urgent ones), the reminders, the escalation
 * steps and the working calendar. Managers read it; an administrator publishes
 * a new version (POST /sla-policy) — cases already running keep theirs.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { mayUse, POLICY_OPERATIONS, workingMinutesPerDay } from '@minqing/shared/console-access';
import type { BusinessCalendar, SlaPolicy } from '@minqing/shared/domain';
import { api, problemOf, type Problem } from '../api';
import { useMe } from '../auth';
import { ProblemBox } from '../components/ProblemBox';
import { Loading, useEnum } from '../components/bits';
import { useFormat } from '../format';
import { useAction } from '../useAction';

interface Answer {
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  publishedAt?: string | null;
  publishedBy?: string | null;
  versions?: { version: string; publishedAt: string | null; publishedBy: string | null }[];
}
type Budget = SlaPolicy['escalationRepeat']['normal'];
const PHASES = ['signFor', 'resolve', 'followUp'] as const;
const PRIORITIES = ['normal', 'urgent'] as const;

/** A budget in the unit people think in: working days (business time), else hours. */
function useBudgetText(cal: BusinessCalendar | null) {
  const { t, i18n } = useTranslation();
  const day = cal ? workingMinutesPerDay(cal) : 480;
  const n = (x: number) => x.toLocaleString(i18n.language, { maximumFractionDigits: 2 });
  return (b: Budget) => (b.mode === 'business' ? t('slaPolicy.workingDays', { n: n(b.minutes / day) }) : t('slaPolicy.hours', { n: n(b.minutes / 60) }));
}

/** The form's numbers: business budgets in working days, clock budgets in hours. */
function toUnits(b: Budget, day: number): string {
  return String(Math.round((b.minutes / (b.mode === 'business' ? day : 60)) * 100) / 100);
}
function fromUnits(v: string, mode: Budget['mode'], day: number): Budget {
  return { minutes: Math.round(Number(v) * (mode === 'business' ? day : 60)), mode };
}

function PublishForm({ current, calendar, onPublished }: { current: SlaPolicy; calendar: BusinessCalendar; onPublished(a: Answer): void }) {
  const { t } = useTranslation();
  const label = useEnum();
  const day = workingMinutesPerDay(calendar);
  const [version, setVersion] = useState('');
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const [cat, rule] of Object.entries(current.rules)) for (const pr of PRIORITIES) for (const ph of PHASES) v[`${cat}/${pr}/${ph}`] = toUnits(rule[pr][ph], day);
    for (const pr of PRIORITIES) v[`repeat/${pr}`] = toUnits(current.escalationRepeat[pr], day);
    v.reminders = current.reminders.map((r) => Math.round(r * 100)).join(', ');
    v.maxReturns = String(current.maxReturns);
    return v;
  });
  const [published, setPublished] = useState<string | null>(null);
  const action = useAction();
  const set = (k: string, v: string) => setValues((x) => ({ ...x, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPublished(null);
    const rules: SlaPolicy['rules'] = {};
    for (const [cat, rule] of Object.entries(current.rules)) {
      rules[cat] = Object.fromEntries(PRIORITIES.map((pr) => [pr, Object.fromEntries(PHASES.map((ph) => [ph, fromUnits(values[`${cat}/${pr}/${ph}`] ?? '', rule[pr][ph].mode, day)]))])) as SlaPolicy['rules'][string];
    }
    const policy: SlaPolicy = {
      version: version.trim(),
      rules,
      reminders: (values.reminders ?? '').split(/[,，、\s]+/).filter(Boolean).map((x) => Number(x) / 100),
      escalationRepeat: { normal: fromUnits(values['repeat/normal'] ?? '', current.escalationRepeat.normal.mode, day), urgent: fromUnits(values['repeat/urgent'] ?? '', current.escalationRepeat.urgent.mode, day) },
      maxReturns: Number(values.maxReturns),
    };
    await action.run(async () => {
      const a = await api<Answer>('/sla-policy', { body: policy });
      setPublished(a.policy.version);
      setVersion('');
      onPublished(a);
    });
  }
  const unit = (b: Budget) => (b.mode === 'business' ? t('slaPolicy.unitDays') : t('slaPolicy.unitHours'));
  return (
    <form className="panel form" data-testid="sla-publish" onSubmit={submit}>
      <h2>{t('slaPolicy.publish')}</h2>
      <p className="muted small">{t('slaPolicy.publishHint')}</p>
      <label>
        {t('slaPolicy.newVersion')}
        <input data-testid="sla-version" required maxLength={60} value={version} onChange={(e) => setVersion(e.target.value)} placeholder={t('slaPolicy.versionHint', { current: current.version })} />
      </label>
      {Object.entries(current.rules).map(([cat, rule]) => (
        <fieldset key={cat} className="sla-rule">
          <legend>{cat === '*' ? t('slaPolicy.otherCategories') : label('category', cat)}</legend>
          <div className="filters">
            {PRIORITIES.flatMap((pr) =>
              PHASES.map((ph) => (
                <label key={`${pr}/${ph}`}>
                  {label('priority', pr)} · {t(`slaPolicy.phase.${ph}`)}（{unit(rule[pr][ph])}）
                  <input type="number" inputMode="decimal" min={0} step="any" required data-testid={`sla-${cat === '*' ? 'default' : cat}-${pr}-${ph}`} value={values[`${cat}/${pr}/${ph}`] ?? ''} onChange={(e) => set(`${cat}/${pr}/${ph}`, e.target.value)} />
                </label>
              )),
            )}
          </div>
        </fieldset>
      ))}
      <div className="filters">
        {PRIORITIES.map((pr) => (
          <label key={pr}>
            {t('slaPolicy.escalationRepeat')} · {label('priority', pr)}（{unit(current.escalationRepeat[pr])}）
            <input type="number" inputMode="decimal" min={0} step="any" required value={values[`repeat/${pr}`] ?? ''} onChange={(e) => set(`repeat/${pr}`, e.target.value)} />
          </label>
        ))}
        <label>
          {t('slaPolicy.remindersPercent')}
          <input data-testid="sla-reminders" value={values.reminders ?? ''} onChange={(e) => set('reminders', e.target.value)} />
        </label>
        <label>
          {t('slaPolicy.maxReturns')}
          <input type="number" min={0} step={1} required value={values.maxReturns ?? ''} onChange={(e) => set('maxReturns', e.target.value)} />
        </label>
      </div>
      <ProblemBox problem={action.problem} />
      {published && <p className="success" role="status" data-testid="sla-published">{t('slaPolicy.published')} <span className="mono">{published}</span></p>}
      <div className="actions">
        <button type="submit" className="primary" data-testid="sla-publish-submit" disabled={action.busy || !version.trim()}>{action.busy ? t('common.saving') : t('slaPolicy.publishButton')}</button>
      </div>
    </form>
  );
}

export default function SlaPolicyPage() {
  const { t } = useTranslation();
  const label = useEnum();
  const me = useMe();
  const f = useFormat();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [publishing, setPublishing] = useState(false);
  const text = useBudgetText(answer?.calendar ?? null);
  const load = useCallback(async () => {
    try {
      setAnswer(await api<Answer>('/sla-policy'));
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const canPublish = mayUse(POLICY_OPERATIONS, 'publishSlaPolicy', me?.role);
  const weekdays = (ds: number[]) => ds.map((d) => t(`sessions.weekday.${d}`)).join('、');

  return (
    <div className="page sla-policy">
      <div className="page-head">
        <h1>{t('slaPolicy.title')}</h1>
        {canPublish && answer && (
          <button type="button" className="secondary" data-testid="sla-publish-open" aria-expanded={publishing} onClick={() => setPublishing((x) => !x)}>
            {publishing ? t('common.cancel') : t('slaPolicy.publish')}
          </button>
        )}
      </div>
      <ProblemBox problem={problem} />
      {!answer && !problem && <Loading />}
      {answer && canPublish && publishing && (
        <PublishForm key={answer.policy.version} current={answer.policy} calendar={answer.calendar} onPublished={(a) => { setAnswer(a); setPublishing(false); }} />
      )}
      {answer && (
        <>
          <section className="panel" data-testid="sla-current">
            <p>
              <strong>{t('slaPolicy.version')}</strong> <span className="mono" data-testid="sla-current-version">{answer.policy.version}</span>{' '}
              <span className="muted small">
                {answer.publishedAt ? t('slaPolicy.publishedAt', { when: f.dateTime(answer.publishedAt) }) : t('slaPolicy.builtIn')}
              </span>
            </p>
            <p className="muted small">{t('slaPolicy.runningKeep')}</p>
            <div className="table-wrap">
              <table className="table stack" data-testid="sla-rules">
                <thead>
                  <tr>
                    <th>{t('slaPolicy.category')}</th>
                    {PHASES.map((ph) => <th key={ph}>{t(`slaPolicy.phase.${ph}`)}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(answer.policy.rules).map(([cat, rule]) => (
                    <tr key={cat} data-testid="sla-rule" data-category={cat}>
                      <td data-label={t('slaPolicy.category')}><span className="cell">{cat === '*' ? t('slaPolicy.otherCategories') : label('category', cat)}</span></td>
                      {PHASES.map((ph) => (
                        <td key={ph} data-label={t(`slaPolicy.phase.${ph}`)}>
                          <span className="cell sla-budgets">
                            {PRIORITIES.map((pr) => (
                              <span key={pr} data-priority={pr} data-phase={ph}>{t('slaPolicy.budget', { priority: label('priority', pr), budget: text(rule[pr][ph]) })}</span>
                            ))}
                          </span>
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <dl className="facts">
              <dt>{t('slaPolicy.reminders')}</dt>
              <dd>{answer.policy.reminders.map((r) => f.percent(r)).join('、')}</dd>
              <dt>{t('slaPolicy.escalationRepeat')}</dt>
              <dd>{PRIORITIES.map((pr) => `${label('priority', pr)} ${text(answer.policy.escalationRepeat[pr])}`).join('；')}</dd>
              <dt>{t('slaPolicy.maxReturns')}</dt>
              <dd>{t('slaPolicy.times', { n: answer.policy.maxReturns })}</dd>
              <dt>{t('slaPolicy.workdays')}</dt>
              <dd>{weekdays(answer.calendar.workdays)}；{answer.calendar.workingHours.map((h) => `${h.start}–${h.end}`).join('、')}</dd>
              <dt>{t('slaPolicy.holidays')}</dt>
              <dd>{t('slaPolicy.holidayCount', { holidays: answer.calendar.holidays.length, makeup: answer.calendar.makeupWorkdays.length })}</dd>
            </dl>
          </section>
          {answer.versions && answer.versions.length > 1 && (
            <section className="panel" data-testid="sla-versions">
              <h2>{t('slaPolicy.versions')}</h2>
              <ul className="plain-list">
                {answer.versions.map((v) => (
                  <li key={v.version}>
                    <span className="mono">{v.version}</span> · {v.publishedAt ? f.dateTime(v.publishedAt) : t('slaPolicy.builtIn')}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </div>
  );
}
