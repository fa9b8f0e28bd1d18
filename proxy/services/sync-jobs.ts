import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { EnqueueInput, Job } from '../queue/types.js';
import type { SyncStatusView } from './widget-views.js';
import { AccountSyncRepository } from '../db/repositories/account-sync.js';
import { SyncRealtimeRepository } from '../db/repositories/sync-realtime.js';
import { accountLifecycleJob, SYNC_JOBS } from '../sync/jobs.js';

/**
 * The sync's jobs as the widget services see them, over proxy/queue's JobQueue plus the sync's account state
 * (`account_sync`, `sync_realtime`): jobs queued by widget operations, a connect requested after the connection
 * changed, the sync status page, and this account's failed jobs retried or set aside. The status page reads one row,
 * at most one row per synced type and the queue counts, whatever the number of buyers.
 */
export class SyncJobs {
  private readonly state: AccountSyncRepository;
  private readonly realtime: SyncRealtimeRepository;

  constructor(
    private readonly queue: JobQueue,
    db: Kysely<Database>,
  ) {
    this.state = new AccountSyncRepository(db);
    this.realtime = new SyncRealtimeRepository(db);
  }

  /**
   * A job built by the sync's constructors (proxy/sync/jobs.ts), queued as they built it: its dedupe key, ordering key
   * and whether a newer enqueue replaces a waiting job's payload (a second price-type change while a repricing waits).
   */
  async enqueue(job: EnqueueInput & { accountId: number }): Promise<void> {
    await this.queue.enqueue(job);
  }

  /**
   * The connection changed (МойСклад connected again, the widget reinstalled): the sync's connect must run again —
   * re-register the webhooks under the new URLs — and runs as soon as both sides are authorised.
   */
  async requestConnect(accountId: number): Promise<void> {
    await this.state.requestConnect(accountId);
    // Now rather than at the scheduler's next tick; a connect that finds the account not ready yet does nothing.
    await this.queue.enqueue(accountLifecycleJob(SYNC_JOBS.connect, accountId));
  }

  async syncStatus(accountId: number): Promise<SyncStatusView> {
    const [queue, failedJobs, sync, types] = await Promise.all([
      this.queue.counts(accountId),
      this.queue.listFailed({ accountId, limit: 20 }),
      this.state.get(accountId),
      this.realtime.list(accountId),
    ]);
    const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
    return {
      lastSyncAt: iso(sync.lastChangeAt),
      mode: sync.mode,
      realtime: {
        checkedAt: iso(sync.webhooksCheckedAt),
        lastEventAt: iso(sync.lastEventAt),
        webhooks: {
          present: types.reduce((sum, type) => sum + type.present, 0),
          expected: types.reduce((sum, type) => sum + type.expected, 0),
          restored: types.reduce((sum, type) => sum + type.restored, 0),
        },
        polled: types.flatMap((type) => (type.pollReason === null ? [] : [{ entityType: type.entityType, reason: type.pollReason, everySeconds: (type.pollIntervalMs ?? 0) / 1000 }])),
      },
      queue,
      import: sync.import,
      reprice: sync.reprice && { ...sync.reprice, finishedAt: sync.reprice.finishedAt === null ? null : new Date(sync.reprice.finishedAt).toISOString() },
      failedJobs: failedJobs.map((job) => ({ id: String(job.id), kind: job.kind, error: job.error, problem: job.problem, failedAt: job.failedAt })),
    };
  }

  /** Re-queues a failed job of this account. */
  async retryFailed(accountId: number, jobId: string): Promise<'retried' | 'not_found' | 'not_failed'> {
    const job = await this.failedJobOf(accountId, jobId);
    if (typeof job === 'string') return job;
    return (await this.queue.retryFailed(job.id, accountId)) ? 'retried' : 'not_failed';
  }

  /** Sets a failed job of this account aside as resolved (a retry cannot fix it). */
  async skipFailed(accountId: number, jobId: string): Promise<{ outcome: 'skipped'; kind: string } | { outcome: 'not_found' | 'not_failed' }> {
    const job = await this.failedJobOf(accountId, jobId);
    if (typeof job === 'string') return { outcome: job };
    return (await this.queue.skipFailed(job.id, accountId)) ? { outcome: 'skipped', kind: job.kind } : { outcome: 'not_failed' };
  }

  private async failedJobOf(accountId: number, jobId: string): Promise<Job | 'not_found' | 'not_failed'> {
    const id = Number(jobId);
    if (!Number.isSafeInteger(id) || id <= 0) return 'not_found';
    const job = await this.queue.get(id);
    // Another account's job is "not found": job ids must not leak across tenants.
    if (!job || job.accountId !== accountId) return 'not_found';
    return job.state === 'failed' ? job : 'not_failed';
  }
}
