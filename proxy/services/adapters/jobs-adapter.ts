import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { JobQueue } from '../../queue/job-queue.js';
import type { Job } from '../../queue/types.js';
import type { JobsPort, SyncStatusView } from '../ports.js';
import { AccountSyncRepository } from '../../db/repositories/account-sync.js';

/**
 * JobsPort over proxy/queue's JobQueue plus the sync's account state (`account_sync`): the status page reads one row
 * and the queue counts, whatever the number of buyers.
 */
export class JobsAdapter implements JobsPort {
  private readonly state: AccountSyncRepository;

  constructor(
    private readonly queue: JobQueue,
    db: Kysely<Database>,
  ) {
    this.state = new AccountSyncRepository(db);
  }

  async enqueue(job: { kind: string; accountId: number; payload: Record<string, unknown>; jobKey?: string; orderingKey?: string }): Promise<void> {
    await this.queue.enqueue({ kind: job.kind, accountId: job.accountId, payload: job.payload, jobKey: job.jobKey ?? null, orderingKey: job.orderingKey ?? null });
  }

  async syncStatus(accountId: number): Promise<SyncStatusView> {
    const [queue, failedJobs, sync] = await Promise.all([this.queue.counts(accountId), this.queue.listFailed({ accountId, limit: 20 }), this.state.get(accountId)]);
    return {
      lastSyncAt: sync.lastChangeAt === null ? null : new Date(sync.lastChangeAt).toISOString(),
      mode: sync.mode,
      queue,
      import: sync.import,
      reprice: sync.reprice && { ...sync.reprice, finishedAt: sync.reprice.finishedAt === null ? null : new Date(sync.reprice.finishedAt).toISOString() },
      failedJobs: failedJobs.map((job) => ({ id: String(job.id), kind: job.kind, error: job.error, problem: job.problem, failedAt: job.failedAt })),
    };
  }

  async retryFailed(accountId: number, jobId: string): Promise<'retried' | 'not_found' | 'not_failed'> {
    const job = await this.failedJobOf(accountId, jobId);
    if (typeof job === 'string') return job;
    return (await this.queue.retryFailed(job.id, accountId)) ? 'retried' : 'not_failed';
  }

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
