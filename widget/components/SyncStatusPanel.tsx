import { useState } from 'preact/hooks';
import type { SyncStatus } from '../api/types.js';
import { useWidgetEnv } from '../lib/env.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ShopDateTime } from './ShopDateTime.js';

type Props = { sync: SyncStatus; canRetry: boolean; onChanged: () => void };

/** Last sync, queue counters, import progress and failed jobs with a retry button each. */
export function SyncStatusPanel({ sync, canRetry, onChanged }: Props) {
  const { t, api } = useWidgetEnv();
  const [retrying, setRetrying] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);

  const retry = async (jobId: string) => {
    if (retrying) return;
    setRetrying(jobId);
    setError(null);
    try {
      await api.retryJob(jobId);
      setMessage(t('advanced_page.retry_queued'));
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setRetrying(null);
    }
  };

  const { import: progress } = sync;
  return (
    <section class="msk-widget__section" aria-labelledby="msk-sync-title">
      <h3 class="msk-widget__heading" id="msk-sync-title">
        {t('advanced_page.sync_title')}
      </h3>
      <dl class="msk-widget__facts">
        <dt>{t('advanced_page.last_sync')}</dt>
        <dd>{sync.lastSyncAt ? <ShopDateTime iso={sync.lastSyncAt} /> : t('advanced_page.never')}</dd>
        <dt>{t('advanced_page.mode')}</dt>
        <dd>{t(`advanced_page.mode_${sync.mode}`)}</dd>
        <dt>{t('advanced_page.import')}</dt>
        <dd>
          {t(`advanced_page.import_${progress.state}`, { done: progress.done, total: progress.total })}
          {progress.state === 'running' && progress.total > 0 && (
            <progress class="msk-widget__progress" max={progress.total} value={progress.done} />
          )}
        </dd>
      </dl>
      <p>{t('advanced_page.queue', sync.queue)}</p>
      <h4 class="msk-widget__subheading">{t('advanced_page.failed_jobs')}</h4>
      {sync.failedJobs.length === 0 ? (
        <p class="msk-widget__hint">{t('advanced_page.no_failed_jobs')}</p>
      ) : (
        <ul class="msk-widget__jobs">
          {sync.failedJobs.map((job) => (
            <li key={job.id} class="msk-widget__job">
              <span class="msk-widget__job-kind">{job.kind}</span>
              <span class="msk-widget__job-time">
                <ShopDateTime iso={job.failedAt} />
              </span>
              <span class="msk-widget__job-error">{job.error}</span>
              {canRetry && (
                <button
                  type="button"
                  class="msk-widget__button"
                  disabled={retrying !== null}
                  onClick={() => retry(job.id)}
                  aria-label={`${t('advanced_page.retry_job')}: ${job.kind}`}
                >
                  {t('advanced_page.retry_job')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {error !== null && <ErrorNotice error={error} />}
      <p class="msk-widget__result" aria-live="polite">
        {message}
      </p>
    </section>
  );
}
