/**
 * Says when the figures are being rebuilt (and how far it got) or when the last
 * rebuild failed, for the township-wide roles. The figures on screen stay the
 * current ones until the rebuilt projection is checked and swapped in; when a
 * rebuild finishes while the page is open, `onFinished` reloads them.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RebuildStatus } from '@minqing/shared/domain';
import { api, isAbort } from '../api';
import { useFormat } from '../format';

/** How often the status is asked while a rebuild runs, and otherwise (ms). */
const RUNNING_POLL = 2_000;
const IDLE_POLL = 30_000;

export function RebuildBanner({ onFinished }: { onFinished?: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [status, setStatus] = useState<RebuildStatus | null>(null);
  const wasRunning = useRef(false);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let next: RebuildStatus | null = null;
      try {
        next = await api<RebuildStatus>('/reports/rebuild', { signal: ctrl.signal });
      } catch (err) {
        if (isAbort(err)) return;
        // The banner is a notice, not the page: a failed look leaves the last one shown.
      }
      if (next) {
        if (wasRunning.current && next.state !== 'rebuilding') finished.current?.();
        wasRunning.current = next.state === 'rebuilding';
        setStatus(next);
      }
      timer = setTimeout(() => void poll(), wasRunning.current ? RUNNING_POLL : IDLE_POLL);
    };
    void poll();
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, []);

  if (!status || status.state === 'idle') return null;
  const who = status.startedBy ?? t('rebuild.automatic');
  if (status.state === 'failed') {
    return (
      <div className="notice rebuild-banner" role="status" data-testid="rebuild-banner" data-state="failed">
        <strong>{t('rebuild.failed', { at: f.dateTime(status.finishedAt ?? status.startedAt), by: who })}</strong>
        <p className="small">{t('rebuild.failedBody')}</p>
      </div>
    );
  }
  const p = status.progress;
  return (
    <div className="notice rebuild-banner" role="status" aria-live="polite" data-testid="rebuild-banner" data-state="rebuilding" data-phase={status.phase ?? ''}>
      <strong>{t('rebuild.running', { at: f.dateTime(status.startedAt), by: who })}</strong>
      <p className="small">
        {status.phase && <span data-testid="rebuild-phase">{t(`rebuild.phase.${status.phase}`)}</span>}
        {p && p.target > 0 && <> · <span data-testid="rebuild-progress">{t('rebuild.progress', { applied: p.applied, target: p.target })}</span></>}
      </p>
      <p className="small">{t('rebuild.runningBody')}</p>
    </div>
  );
}
