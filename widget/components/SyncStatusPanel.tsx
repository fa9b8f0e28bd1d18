import { useState } from 'preact/hooks';
import type { JobProblem, SyncStatus } from '../api/types.js';
import { useWidgetEnv } from '../lib/env.js';
import type { Translate } from '../lib/i18n.js';
import { useAction } from '../lib/use-action.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ShopDateTime } from './ShopDateTime.js';

type Props = { sync: SyncStatus; canRetry: boolean; onChanged: () => void };
type FailedJob = SyncStatus['failedJobs'][number];

/** Hints after which retrying cannot help: the admin may set the job aside. */
const SKIPPABLE: ReadonlySet<string> = new Set(['fix_in_moysklad', 'deleted_in_amocrm']);

/**
 * Last sync, queue counters, import and repricing progress (with the products that have no price of the chosen type),
 * and failed jobs: what, why, what to do, with retry and skip.
 */
export function SyncStatusPanel({ sync, canRetry, onChanged }: Props) {
  const { t, api } = useWidgetEnv();
  const action = useAction();
  const [message, setMessage] = useState('');

  const act = (job: FailedJob, how: 'retry' | 'skip') =>
    action.run(async () => {
      await (how === 'retry' ? api.retryJob(job.id) : api.skipJob(job.id));
      setMessage(t(how === 'retry' ? 'advanced_page.retry_queued' : 'jobs.skipped'));
      onChanged();
    });

  const { import: progress, reprice } = sync;
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
        {reprice && (
          <>
            <dt>{t('advanced_page.reprice')}</dt>
            <dd>
              {t(`advanced_page.reprice_${reprice.state}`, { done: reprice.done, total: reprice.total })}
              {reprice.state === 'running' && reprice.total > 0 && <progress class="msk-widget__progress" max={reprice.total} value={reprice.done} />}
              {reprice.unpricedCount > 0 && (
                <span class="msk-widget__hint">
                  {t('advanced_page.reprice_unpriced', { count: reprice.unpricedCount, names: reprice.unpriced.map((product) => `«${product.name}»`).join(', ') + (reprice.unpricedCount > reprice.unpriced.length ? '…' : '') })}
                </span>
              )}
            </dd>
          </>
        )}
      </dl>
      <p>{t('advanced_page.queue', sync.queue)}</p>
      <h4 class="msk-widget__subheading">{t('advanced_page.failed_jobs')}</h4>
      {sync.failedJobs.length === 0 ? (
        <p class="msk-widget__hint">{t('advanced_page.no_failed_jobs')}</p>
      ) : (
        <ul class="msk-widget__jobs">
          {sync.failedJobs.map((job) => {
            const title = jobTitle(t, job);
            const hint = job.problem?.hint ?? 'retry_later';
            return (
              <li key={job.id} class="msk-widget__job">
                <span class="msk-widget__job-kind">{title}</span>
                <span class="msk-widget__job-time">
                  <ShopDateTime iso={job.failedAt} />
                </span>
                {job.problem && why(t, job.problem)}
                <span class="msk-widget__job-hint">{t(`jobs.hint_${hint}`)}</span>
                <details class="msk-widget__job-error">
                  <summary>{t('jobs.details')}</summary>
                  {job.error}
                </details>
                {canRetry && (
                  <div class="msk-widget__row">
                    <button type="button" class="msk-widget__button" disabled={action.busy} onClick={() => act(job, 'retry')} aria-label={`${t('advanced_page.retry_job')}: ${title}`}>
                      {t('advanced_page.retry_job')}
                    </button>
                    {(!job.problem || SKIPPABLE.has(hint)) && (
                      <button type="button" class="msk-widget__button" disabled={action.busy} onClick={() => act(job, 'skip')} aria-label={`${t('jobs.skip')}: ${title}`}>
                        {t('jobs.skip')}
                      </button>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {action.error !== null && <ErrorNotice error={action.error} />}
      <p class="msk-widget__result" aria-live="polite">
        {message}
      </p>
    </section>
  );
}

/** "Покупатель «Иван Петров»" when the job is about an entity, else what kind of work it was. */
function jobTitle(t: Translate, job: FailedJob): string {
  const entity = job.problem?.entity;
  if (entity) {
    const type = known(t, `jobs.entity_${entity.type}`) ?? t('jobs.entity_record');
    return entity.name ? `${type} «${entity.name}»` : entity.moyskladId ? `${type} ${entity.moyskladId}` : type;
  }
  return known(t, `jobs.kind_${job.kind.replace(/\W/g, '_')}`) ?? job.kind;
}

/** Why, in the refusing service's own words, and which field. */
function why(t: Translate, problem: JobProblem) {
  if (!problem.message) return null;
  return (
    <span class="msk-widget__job-why">
      {problem.field ? t('jobs.why_field', { field: problem.field, message: problem.message }) : t('jobs.why', { message: problem.message })}
    </span>
  );
}

/** The translation, or null when the locale has no such key (the translator then echoes the key). */
function known(t: Translate, key: string): string | null {
  const text = t(key);
  return text === key ? null : text;
}
