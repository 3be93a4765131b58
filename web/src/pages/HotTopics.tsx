/**
 * Hot topics (热点问题) and this month's topic (每月一题): for a month, the
 * recurring issues across the cases the reader may see — cases of one category
 * whose keywords overlap (listHotTopics) — ranked by cases, with households,
 * villages and the trend against the month before; each opens its cases
 * (hotTopicCases, paged). The month's topic, if one was taken up, is on top with
 * its note, who took it up and its history of changes. The township leadership
 * takes a topic up with a note (takeUpHotTopic; a change needs a reason — the
 * server records who from the session). Below, the topic of each month.
 * Linked from the dashboard; ?month=YYYY-MM&topic=<id> opens a month and a topic.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { CASE_CATEGORIES } from '@minqing/shared/vocabulary';
import { mayUse } from '@minqing/shared/console-access';
import { HOT_TOPIC_LABEL_TERMS, HOT_TOPIC_OPERATIONS, type HotTopic, type HotTopicCase, type MonthlyTopic } from '@minqing/shared/hot-topics';
import { api, withQuery } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { Loading, StatusBadge, useEnum } from '../components/bits';
import { useFormat } from '../format';
import { thisMonth } from '../localList';
import { useAction } from '../useAction';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const PAGE = 20;

interface Summary {
  month: string;
  previousMonth: string;
  casesInMonth: number;
  casesInTopics: number;
  monthlyTopic: MonthlyTopic | null;
}

const labelOf = (keywords: readonly string[]) => keywords.slice(0, HOT_TOPIC_LABEL_TERMS).join(' · ');

/** "12 件 · 9 户 · 4 个村（社区）" */
function Counts({ cases, households, villages }: { cases: number; households: number; villages?: number }) {
  const { t } = useTranslation();
  return (
    <span className="hot-counts" data-testid="hot-topic-counts" data-cases={cases}>
      {t('hotTopics.cases', { count: cases })}
      {households > 0 && <> · {t('hotTopics.households', { count: households })}</>}
      {villages !== undefined && <> · {t('hotTopics.villages', { count: villages })}</>}
    </span>
  );
}

function Trend({ topic }: { topic: HotTopic }) {
  const { t } = useTranslation();
  const diff = Math.abs(topic.caseCount - topic.previousCount);
  return (
    <span className={`tag trend trend-${topic.trend}`} data-testid="hot-topic-trend" data-trend={topic.trend} title={t('hotTopics.previous', { count: topic.previousCount })}>
      {t(`hotTopics.trend.${topic.trend}`, { diff })}
    </span>
  );
}

/** The topic of the month on top: what, its note, who and when; its history of changes. */
function MonthlyTopicCard({ topic, month, canTakeUp }: { topic: MonthlyTopic | null; month: string; canTakeUp: boolean }) {
  const { t } = useTranslation();
  const label = useEnum();
  const dir = useDirectory();
  const f = useFormat();
  const [history, setHistory] = useState(false);
  if (!topic) {
    return (
      <section className="panel monthly-topic none" data-testid="monthly-topic" data-state="none">
        <h2>{t('hotTopics.monthlyTitle', { month })}</h2>
        <p className="muted">{canTakeUp ? t('hotTopics.monthlyNoneTaker') : t('hotTopics.monthlyNone')}</p>
      </section>
    );
  }
  return (
    <section className="panel monthly-topic" data-testid="monthly-topic" data-state="taken" data-topic={topic.topicId} data-revision={topic.revision}>
      <div className="panel-head">
        <h2>{t('hotTopics.monthlyTitle', { month })}</h2>
        <span className="tag taken">{t('hotTopics.takenUpTag')}</span>
      </div>
      <p className="monthly-label" data-testid="monthly-topic-label">{labelOf(topic.keywords)}</p>
      <p className="meta">
        <span className="tag">{label('category', topic.category)}</span>
        <Counts cases={topic.caseCount} households={topic.householdCount} villages={topic.villages.length} />
      </p>
      {topic.villages.length > 0 && <p className="small">{t('hotTopics.villagesLine', { names: topic.villages.map((v) => dir.village(v)).join('、') })}</p>}
      <p className="monthly-note" data-testid="monthly-topic-note">{topic.note}</p>
      {topic.reason && <p className="small" data-testid="monthly-topic-reason">{t('hotTopics.changeReason', { reason: topic.reason })}</p>}
      <p className="muted small" data-testid="monthly-topic-by">
        {t('hotTopics.takenBy', { name: topic.takenBy.name, role: t(`role.${topic.takenBy.role}`, { defaultValue: '' }), when: f.dateTime(topic.takenAt) })}
      </p>
      <div className="actions">
        <Link to={`/hot-topics?${new URLSearchParams({ month, topic: topic.topicId }).toString()}`} data-testid="monthly-topic-cases">{t('hotTopics.openCases')}</Link>
        {topic.revisions > 1 && (
          <button type="button" className="secondary" data-testid="monthly-topic-history-toggle" aria-expanded={history} onClick={() => setHistory((h) => !h)}>
            {t('hotTopics.changedTimes', { count: topic.revisions - 1 })}
          </button>
        )}
      </div>
      {history && <History month={month} />}
    </section>
  );
}

/** Every decision on the month's topic, newest first. */
function History({ month }: { month: string }) {
  const { t } = useTranslation();
  const label = useEnum();
  const f = useFormat();
  const list = useCursorList<MonthlyTopic>(
    (cursor, signal) => api<CursorPage<MonthlyTopic>>(withQuery(`/monthly-topics/${month}/history`, { limit: PAGE, cursor }), { signal }),
    month,
  );
  return (
    <div className="monthly-history" data-testid="monthly-topic-history">
      <ProblemBox problem={list.problem} />
      <ol className="plain-list">
        {list.items.map((d) => (
          <li key={d.revision} data-testid="monthly-topic-revision" data-revision={d.revision}>
            <strong>{t('hotTopics.revision', { revision: d.revision })}</strong> {labelOf(d.keywords)} · {label('category', d.category)}
            <div className="small">{d.note}</div>
            {d.reason && <div className="small">{t('hotTopics.changeReason', { reason: d.reason })}</div>}
            <div className="muted small">{t('hotTopics.takenBy', { name: d.takenBy.name, role: t(`role.${d.takenBy.role}`, { defaultValue: '' }), when: f.dateTime(d.takenAt) })}</div>
          </li>
        ))}
      </ol>
      <Pager list={list} testid="monthly-topic-history-pager" />
    </div>
  );
}

/** A topic's cases, newest first, paged. */
function TopicCases({ month, topicId }: { month: string; topicId: string }) {
  const { t } = useTranslation();
  const label = useEnum();
  const dir = useDirectory();
  const f = useFormat();
  const [source, setSource] = useState<'live' | 'taken_up'>('live');
  const list = useCursorList<HotTopicCase>(async (cursor, signal) => {
    const page = await api<CursorPage<HotTopicCase> & { source: 'live' | 'taken_up' }>(withQuery(`/hot-topics/${topicId}/cases`, { month, limit: PAGE, cursor }), { signal });
    setSource(page.source);
    return page;
  }, `${month}|${topicId}`);
  return (
    <div className="topic-cases" data-testid="hot-topic-cases">
      {source === 'taken_up' && <p className="muted small">{t('hotTopics.asTakenUp')}</p>}
      <ProblemBox problem={list.problem} />
      {list.loading ? <Loading /> : (
        <ul className="case-list">
          {list.items.map((c) => (
            <li key={c.id} className="case-row" data-testid="hot-topic-case" data-case-id={c.id}>
              <div className="case-row-main">
                <Link to={`/cases/${c.id}`} className="case-title-link">{c.title}</Link>
                <div className="muted small">
                  <StatusBadge status={c.status} /> {label('category', c.category)} · {dir.village(c.villageCode) || t('common.noVillage')} · {f.date(c.openedAt)} ·{' '}
                  <span className="mono" translate="no">{c.trackingCode}</span>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      <Pager list={list} testid="hot-topic-cases-pager" />
    </div>
  );
}

/** 定为本月一题: a note; when the month has a topic already, the reason for changing it. */
function TakeUpForm({ month, topic, current, onDone, onCancel }: { month: string; topic: HotTopic; current: MonthlyTopic | null; onDone: (m: MonthlyTopic) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await action.run(async () => {
      const body = { month, topicId: topic.id, note, ...(current ? { reason, replacesRevision: current.revision } : {}) };
      onDone(await api<MonthlyTopic>('/monthly-topics', { body }));
    });
  }
  return (
    <form className="inline-form take-up-form" data-testid="take-up-form" onSubmit={submit}>
      {current && <p className="notice small" data-testid="take-up-replaces">{t('hotTopics.replaceNotice', { label: labelOf(current.keywords) })}</p>}
      <label>
        {t('hotTopics.note')}
        <textarea data-testid="take-up-note" required maxLength={1000} rows={3} value={note} placeholder={t('hotTopics.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
        <FieldError problem={action.problem} field="note" />
      </label>
      {current && (
        <label>
          {t('hotTopics.reason')}
          <textarea data-testid="take-up-reason" required maxLength={500} rows={2} value={reason} placeholder={t('hotTopics.reasonPlaceholder')} onChange={(e) => setReason(e.target.value)} />
          <FieldError problem={action.problem} field="reason" />
        </label>
      )}
      <ProblemBox problem={action.problem} />
      <div className="actions">
        <button type="submit" className="primary" data-testid="take-up-submit" disabled={action.busy || !note.trim() || (!!current && !reason.trim())}>
          {action.busy ? t('common.saving') : current ? t('hotTopics.changeSubmit') : t('hotTopics.takeUpSubmit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function TopicItem(props: {
  topic: HotTopic;
  rank: number;
  month: string;
  open: boolean;
  onToggle: () => void;
  canTakeUp: boolean;
  current: MonthlyTopic | null;
  onTakenUp: (m: MonthlyTopic) => void;
}) {
  const { topic, rank, month, open, onToggle, canTakeUp, current, onTakenUp } = props;
  const { t } = useTranslation();
  const label = useEnum();
  const dir = useDirectory();
  const [taking, setTaking] = useState(false);
  return (
    <li className={`hot-topic${topic.takenUp ? ' taken' : ''}`} data-testid="hot-topic" data-topic={topic.id} data-taken-up={topic.takenUp}>
      <div className="hot-topic-head">
        <span className="hot-rank" aria-hidden="true">{rank}</span>
        <div className="hot-topic-main">
          <strong className="hot-label" data-testid="hot-topic-label">{labelOf(topic.keywords)}</strong>
          <div className="meta">
            <span className="tag">{label('category', topic.category)}</span>
            {topic.takenUp && <span className="tag taken" data-testid="hot-topic-taken">{t('hotTopics.takenUpTag')}</span>}
            <Trend topic={topic} />
          </div>
          <div className="small">
            <Counts cases={topic.caseCount} households={topic.householdCount} villages={topic.villageCount} />
          </div>
          <div className="small muted">{t('hotTopics.villagesLine', { names: topic.villages.map((v) => t('hotTopics.villageCases', { name: dir.village(v.code), count: v.cases })).join('、') })}</div>
        </div>
      </div>
      <div className="actions">
        <button type="button" className={open ? 'primary' : 'secondary'} data-testid="hot-topic-open" aria-expanded={open} onClick={onToggle}>
          {open ? t('hotTopics.hideCases') : t('hotTopics.showCases', { count: topic.caseCount })}
        </button>
        {canTakeUp && !topic.takenUp && !taking && (
          <button type="button" className="secondary" data-testid="hot-topic-take-up" onClick={() => setTaking(true)}>{t('hotTopics.takeUp')}</button>
        )}
      </div>
      {taking && (
        <TakeUpForm
          month={month}
          topic={topic}
          current={current}
          onCancel={() => setTaking(false)}
          onDone={(m) => {
            setTaking(false);
            onTakenUp(m);
          }}
        />
      )}
      {open && <TopicCases month={month} topicId={topic.id} />}
    </li>
  );
}

/** Each month's topic, newest month first (`version` changes when a topic is taken up here: read again). */
function Months({ onPick, version }: { onPick: (month: string) => void; version: string }) {
  const { t } = useTranslation();
  const label = useEnum();
  const list = useCursorList<MonthlyTopic>((cursor, signal) => api<CursorPage<MonthlyTopic>>(withQuery('/monthly-topics', { limit: 12, cursor }), { signal }), `months|${version}`);
  return (
    <section className="panel" data-testid="monthly-topics">
      <h2>{t('hotTopics.monthsTitle')}</h2>
      <ProblemBox problem={list.problem} />
      {list.loading ? <Loading /> : list.items.length === 0 ? <p className="muted">{t('hotTopics.monthsNone')}</p> : (
        <ul className="plain-list">
          {list.items.map((m) => (
            <li key={m.month} data-testid="monthly-topics-row" data-month={m.month}>
              <button type="button" className="link" onClick={() => onPick(m.month)}>{m.month}</button> {labelOf(m.keywords)} · {label('category', m.category)} ·{' '}
              {t('hotTopics.cases', { count: m.caseCount })}
              {m.revisions > 1 && <span className="muted small"> · {t('hotTopics.changedTimes', { count: m.revisions - 1 })}</span>}
            </li>
          ))}
        </ul>
      )}
      <Pager list={list} testid="monthly-topics-pager" />
    </section>
  );
}

export default function HotTopics() {
  const { t } = useTranslation();
  const me = useMe();
  const label = useEnum();
  const [params, setParams] = useSearchParams();
  const latest = thisMonth();
  const asked = params.get('month') ?? '';
  const month = MONTH.test(asked) && asked <= latest ? asked : latest;
  const openTopic = params.get('topic');
  const [category, setCategory] = useState('');
  const [q, setQ] = useState('');
  const [summary, setSummary] = useState<Summary | null>(null);
  const [saved, setSaved] = useState<MonthlyTopic | null>(null);
  const canTakeUp = mayUse(HOT_TOPIC_OPERATIONS, 'takeUpHotTopic', me.role);

  const list = useCursorList<HotTopic>(
    useCallback(
      async (cursor: string | undefined, signal: AbortSignal) => {
        const page = await api<CursorPage<HotTopic> & Summary>(withQuery('/hot-topics', { month, category, q: q.trim(), limit: PAGE, cursor }), { signal });
        if (!cursor) setSummary({ month: page.month, previousMonth: page.previousMonth, casesInMonth: page.casesInMonth, casesInTopics: page.casesInTopics, monthlyTopic: page.monthlyTopic });
        return page;
      },
      [month, category, q],
    ),
    `${month}|${category}|${q.trim()}`,
  );

  const set = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  };
  const pickMonth = (m: string) => {
    setSaved(null);
    setSummary(null);
    set({ month: m, topic: null });
  };
  const current = summary?.month === month ? summary.monthlyTopic : null;

  return (
    <div className="page hot-topics">
      <div className="page-head">
        <h1>{t('hotTopics.title')}</h1>
        <label className="inline">
          {t('hotTopics.month')}{' '}
          <input type="month" data-testid="hot-topics-month" value={month} max={latest} onChange={(e) => MONTH.test(e.target.value) && pickMonth(e.target.value)} />
        </label>
      </div>
      <p className="muted small">{t('hotTopics.intro')}</p>
      {saved && (
        <p className="success" role="status" data-testid="take-up-saved">
          {t(saved.revision > 1 ? 'hotTopics.changed' : 'hotTopics.saved', { label: labelOf(saved.keywords), month: saved.month })}
        </p>
      )}
      {summary?.month === month ? <MonthlyTopicCard topic={current} month={month} canTakeUp={canTakeUp} /> : <Loading />}
      <section className="panel" data-testid="hot-topics">
        <div className="panel-head">
          <h2>{t('hotTopics.listTitle', { month })}</h2>
          <div className="toolbar">
            <select data-testid="hot-topics-category" aria-label={t('case.category')} value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('hotTopics.allCategories')}</option>
              {CASE_CATEGORIES.map((c) => (
                <option key={c} value={c}>{label('category', c)}</option>
              ))}
            </select>
            <input type="search" data-testid="hot-topics-search" value={q} maxLength={20} onChange={(e) => setQ(e.target.value)} placeholder={t('hotTopics.search')} aria-label={t('hotTopics.search')} />
          </div>
        </div>
        {summary?.month === month && (
          <p className="muted small" data-testid="hot-topics-summary">
            {t('hotTopics.summary', { cases: summary.casesInMonth, inTopics: summary.casesInTopics, previous: summary.previousMonth })}
          </p>
        )}
        <ProblemBox problem={list.problem} />
        {list.loading ? <Loading /> : list.items.length === 0 ? (
          <p className="muted" data-testid="hot-topics-empty">{t('hotTopics.none')}</p>
        ) : (
          <ol className="hot-topic-list">
            {list.items.map((topic, i) => (
              <TopicItem
                key={topic.id}
                topic={topic}
                rank={i + 1}
                month={month}
                open={openTopic === topic.id}
                onToggle={() => set({ topic: openTopic === topic.id ? null : topic.id })}
                canTakeUp={canTakeUp}
                current={current}
                onTakenUp={(m) => {
                  setSaved(m);
                  list.reload();
                }}
              />
            ))}
          </ol>
        )}
        {openTopic && !list.loading && !list.items.some((x) => x.id === openTopic) && (
          <div className="panel" data-testid="hot-topic-elsewhere">
            <TopicCases month={month} topicId={openTopic} />
          </div>
        )}
        <Pager list={list} testid="hot-topics-pager" />
      </section>
      <Months onPick={pickMonth} version={saved ? `${saved.month}.${saved.revision}` : ''} />
    </div>
  );
}
