import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import type { JobQueue } from '../../queue/job-queue.js';
import type { Job } from '../../queue/types.js';
import type { JobsPort, SyncStatusView } from '../ports.js';
import { BONUS_PROGRAM_STREAM } from './read-model-store.js';

/**
 * Conventions shared with proxy/sync (unconfirmed until that module lands): it keeps the first import's
 * progress as JSON `{state, done, total}` in sync_cursors stream `initial_import`, and the transport mode
 * as JSON `{mode}` in stream `sync_mode`. Missing rows read as "idle" and "webhooks".
 */
export const IMPORT_PROGRESS_STREAM = 'initial_import';
export const SYNC_MODE_STREAM = 'sync_mode';
// Bookkeeping rows, not data streams: they do not count as "last sync".
const META_STREAMS = [BONUS_PROGRAM_STREAM, IMPORT_PROGRESS_STREAM, SYNC_MODE_STREAM, 'sync_connected'];

const importProgress = z.object({ state: z.enum(['idle', 'running', 'done', 'failed']), done: z.number().int().min(0), total: z.number().int().min(0) });
const syncMode = z.object({ mode: z.enum(['webhooks', 'polling']) });

function parseJson<T>(schema: z.ZodType<T>, text: string | undefined): T | null {
  if (text === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** JobsPort over proxy/queue's JobQueue plus the sync bookkeeping rows. */
export class JobsAdapter implements JobsPort {
  constructor(
    private readonly queue: JobQueue,
    private readonly db: Kysely<Database>,
  ) {}

  async enqueue(job: { kind: string; accountId: number; payload: Record<string, unknown>; jobKey?: string; orderingKey?: string }): Promise<void> {
    await this.queue.enqueue({ kind: job.kind, accountId: job.accountId, payload: job.payload, jobKey: job.jobKey ?? null, orderingKey: job.orderingKey ?? null });
  }

  async syncStatus(accountId: number): Promise<SyncStatusView> {
    const [queue, failedJobs, cursors] = await Promise.all([
      this.queue.counts(accountId),
      this.queue.listFailed({ accountId, limit: 20 }),
      this.db.selectFrom('sync_cursors').select(['stream', 'cursor', 'updated_at']).where('account_id', '=', accountId).execute(),
    ]);
    const byStream = new Map(cursors.map((row) => [row.stream, row]));
    const dataStreams = cursors.filter((row) => !META_STREAMS.includes(row.stream));
    const lastSyncMs = dataStreams.reduce<number | null>((max, row) => Math.max(max ?? 0, Number(row.updated_at)), null);
    return {
      lastSyncAt: lastSyncMs === null ? null : new Date(lastSyncMs).toISOString(),
      mode: parseJson(syncMode, byStream.get(SYNC_MODE_STREAM)?.cursor)?.mode ?? 'webhooks',
      queue,
      import: parseJson(importProgress, byStream.get(IMPORT_PROGRESS_STREAM)?.cursor) ?? { state: 'idle', done: 0, total: 0 },
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
