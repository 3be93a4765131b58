/** Residents check a case with its tracking code and the last 4 digits of their phone, and rate it. No sign-in, no personal data. */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { PublicHeader, StatusBadge, useEnum } from '../components/bits';
import { ProblemBox } from '../components/ProblemBox';
import { useFormat } from '../format';
import { SATISFACTIONS, type TrackResult } from '../types';
import { useAction } from '../useAction';

export default function Track() {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useEnum();
  const [code, setCode] = useState(() => new URLSearchParams(window.location.search).get('code') ?? '');
  const [phoneTail, setPhoneTail] = useState('');
  const lookup = useAction();
  const [result, setResult] = useState<TrackResult | null>(null);
  const [satisfaction, setSatisfaction] = useState('');
  const [comment, setComment] = useState('');
  const [rated, setRated] = useState(false);
  const rating = useAction();
  // notifications (issue 14): the resident stops or restarts SMS/e-mail about this case
  const notifying = useAction();
  const [notify, setNotify] = useState<boolean | null>(null);
  const busy = lookup.busy || rating.busy || notifying.busy;
  const error = lookup.problem;
  const rateProblem = rating.problem;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setResult(null);
    setRated(false);
    setNotify(null);
    await lookup.run(async () => {
      setResult(await api<TrackResult>('/public/track', { body: { trackingCode: code.trim(), phoneTail }, ignoreUnauthorized: true }));
    });
  }

  async function rate(e: FormEvent) {
    e.preventDefault();
    if (!result) return;
    await rating.run(async () => {
      const body: Record<string, string> = { trackingCode: result.trackingCode, phoneTail, satisfaction };
      if (comment.trim()) body.comment = comment.trim();
      setResult(await api<TrackResult>('/public/track/rating', { body, ignoreUnauthorized: true }));
      setRated(true);
    });
  }

  async function setMessages(want: boolean) {
    if (!result) return;
    await notifying.run(async () => {
      const r = await api<{ notify: boolean }>('/public/track/notifications', { body: { trackingCode: result.trackingCode, phoneTail, notify: want }, ignoreUnauthorized: true });
      setNotify(r.notify);
    });
  }

  return (
    <div className="public-page">
      <PublicHeader />
      <main className="narrow">
        <form className="panel form" onSubmit={submit} noValidate>
          <h1>{t('track.title')}</h1>
          <p className="muted">{t('track.intro')}</p>
          <label>
            {t('track.code')}
            <input data-testid="track-code" value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} autoComplete="off" autoCapitalize="characters" required />
          </label>
          <label>
            {t('track.phoneTail')}
            <input
              data-testid="track-phone"
              value={phoneTail}
              onChange={(e) => setPhoneTail(e.target.value.replace(/\D/g, '').slice(0, 4))}
              inputMode="numeric"
              pattern="\d{4}"
              maxLength={4}
              autoComplete="off"
              required
            />
          </label>
          <button type="submit" className="primary big" data-testid="track-submit" disabled={busy}>
            {t('track.submit')}
          </button>
          {error && (
            <div className="problem" role="alert" data-testid="track-error">
              {error.status === 404 || error.status === 429 ? <strong>{error.status === 404 ? t('track.notFound') : t('track.tooMany')}</strong> : <ProblemBox problem={error} />}
            </div>
          )}
        </form>

        {result && (
          <section className="panel" data-testid="track-result" aria-live="polite">
            <h2>
              {t('track.resultTitle')} <span className="mono">{result.trackingCode}</span>
            </h2>
            <dl className="details">
              {result.title && (
                <>
                  <dt>{t('track.request')}</dt>
                  <dd data-testid="track-title">{result.title}</dd>
                </>
              )}
              <dt>{t('case.status')}</dt>
              <dd>
                <StatusBadge status={result.status} testid="track-status" />
              </dd>
              <dt>{t('case.category')}</dt>
              <dd>{label('category', result.category)}</dd>
              <dt>{t('track.openedAt')}</dt>
              <dd>{f.dateTime(result.openedAt)}</dd>
              <dt>{t('track.expectedReplyBy')}</dt>
              <dd data-testid="track-expected">{result.expectedReplyBy ? f.date(result.expectedReplyBy) : t('track.noDate')}</dd>
            </dl>
            <h3>{t('track.steps')}</h3>
            <ol className="steps">
              {result.steps.map((s, i) => (
                <li key={i}>
                  <span>{label('timeline', s.kind)}</span> <time dateTime={s.at}>{f.dateTime(s.at)}</time>
                </li>
              ))}
            </ol>
            <h3>{t('track.reply')}</h3>
            <p className="reply">{result.reply ?? t('track.noReply')}</p>
            {result.satisfaction && !result.canRate && (
              <p>
                {t('track.yourRating')}: {label('satisfaction', result.satisfaction)}
              </p>
            )}
            {rated && (
              <p className="success" data-testid="rate-done" role="status">
                {t('track.rateDone')}
              </p>
            )}
            {result.canRate && !rated && (
              <form className="form" onSubmit={rate}>
                <h3>{t('track.rateTitle')}</h3>
                <label>
                  {t('track.satisfaction')}
                  <select data-testid="rate-satisfaction" value={satisfaction} onChange={(e) => setSatisfaction(e.target.value)} required>
                    <option value="">{t('common.choose')}</option>
                    {SATISFACTIONS.map((s) => (
                      <option key={s} value={s}>
                        {label('satisfaction', s)}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('track.comment')}
                  <textarea data-testid="rate-comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={500} rows={3} />
                </label>
                {rateProblem && (
                  <div data-testid="track-error">
                    <ProblemBox problem={rateProblem} />
                  </div>
                )}
                <button type="submit" className="primary big" data-testid="rate-submit" disabled={busy || !satisfaction}>
                  {t('track.rateSubmit')}
                </button>
              </form>
            )}
            <div className="form" data-testid="track-notify">
              <h3>{t('track.notify.title')}</h3>
              <p className="muted">{t('track.notify.intro')}</p>
              {notify !== null && (
                <p className="success" role="status" data-testid="track-notify-done">
                  {notify ? t('track.notify.restarted') : t('track.notify.stopped')}
                </p>
              )}
              <ProblemBox problem={notifying.problem} />
              {notify === false ? (
                <button type="button" className="secondary" data-testid="track-notify-restart" disabled={busy} onClick={() => void setMessages(true)}>
                  {t('track.notify.restart')}
                </button>
              ) : (
                <button type="button" className="secondary" data-testid="track-notify-stop" disabled={busy} onClick={() => void setMessages(false)}>
                  {t('track.notify.stop')}
                </button>
              )}
            </div>
          </section>
        )}
        <p className="center">
          <Link to="/sign-in">{t('track.staffLink')}</Link>
        </p>
      </main>
    </div>
  );
}
