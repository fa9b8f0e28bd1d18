import { type Kysely, sql } from 'kysely';
import type { DatabaseHandle, Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { type BackoffPolicy, defaultBackoff, retryDelayMs } from './backoff.js';
import { claimJobs } from './claim-jobs.js';
import { parseJobProblem, type JobProblem } from './job-problem.js';
import { type EnqueueInput, type EnqueueResult, type FailedJobSummary, type Job, type QueueCounts, jobFromRow } from './types.js';

export interface JobQueueOptions {
  /** Clock in epoch ms; injected so tests control lease expiry and backoff. */
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  defaultMaxAttempts?: number;
}

const MAX_ERROR_LENGTH = 2_000;

/**
 * Durable job queue over the `jobs` table (SQLite or PostgreSQL), after graphile-worker / River / pg-boss:
 * atomic claims, leases (`locked_by` + `locked_until`) freed by a sweeper, completion and failure fenced on the
 * lease holder, backoff stored in `run_at`, terminal `failed` state. Delivery is at-least-once, so handlers
 * must be idempotent.
 *
 * Methods that write take an optional `executor` (a Kysely transaction) so callers can enqueue in the same
 * transaction as their domain write (outbox) or complete a job in the transaction that saves its result.
 */
export class JobQueue {
  readonly now: () => number;
  private readonly db: Kysely<Database>;
  private readonly dialect: Dialect;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly defaultMaxAttempts: number;
  private readonly listeners = new Set<(kind: string) => void>();

  constructor(database: Pick<DatabaseHandle, 'db' | 'dialect'>, options: JobQueueOptions = {}) {
    this.db = database.db;
    this.dialect = database.dialect;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? defaultBackoff;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 8;
  }

  async enqueue(input: EnqueueInput, executor: Kysely<Database> = this.db): Promise<EnqueueResult> {
    const now = this.now();
    const row = {
      kind: input.kind,
      account_id: input.accountId ?? null,
      payload_json: JSON.stringify(input.payload ?? {}),
      job_key: input.jobKey ?? null,
      ordering_key: input.orderingKey ?? null,
      state: 'available' as const,
      run_at: input.runAt ?? now,
      attempts: 0,
      max_attempts: input.maxAttempts ?? this.defaultMaxAttempts,
      created_at: now,
      updated_at: now,
    };
    // Between a conflict and reading the waiting job, that job may get claimed; then a new insert succeeds.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const inserted = await executor
        .insertInto('jobs')
        .values(row)
        .onConflict((oc) => oc.column('job_key').where(sql<boolean>`state = 'available'`).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) {
        this.nudge(input.kind);
        return { id: Number(inserted.id), deduplicated: false };
      }
      const waiting = await executor
        .selectFrom('jobs')
        .select('id')
        .where('job_key', '=', row.job_key)
        .where('state', '=', 'available')
        .executeTakeFirst();
      if (waiting) {
        if (input.replacePayloadWhenDeduplicated) {
          await executor.updateTable('jobs').set({ payload_json: row.payload_json, updated_at: now }).where('id', '=', waiting.id).where('state', '=', 'available').execute();
        }
        return { id: Number(waiting.id), deduplicated: true };
      }
    }
    throw new Error(`could not enqueue ${input.kind}: job key kept conflicting`);
  }

  /**
   * Wakes local workers now instead of at their next poll. Called by `enqueue`; call it again after
   * committing a transaction that enqueued jobs, since a worker woken before the commit cannot see them.
   */
  nudge(kind = '*'): void {
    for (const listener of this.listeners) listener(kind);
  }

  onEnqueued(listener: (kind: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async claim(workerId: string, kinds: readonly string[], limit: number, leaseMs: number): Promise<Job[]> {
    const rows = await claimJobs(this.db, this.dialect, { workerId, kinds, limit, leaseMs, now: this.now() });
    return rows.map(jobFromRow);
  }

  /** Heartbeat: pushes the lease forward. False means the lease was lost (swept and maybe re-claimed). */
  async extendLease(jobId: number, workerId: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_until: now + leaseMs, updated_at: now })
      .where('id', '=', jobId)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Marks the job done only if `workerId` still holds its lease; a stale worker gets false. */
  async complete(jobId: number, workerId: string, executor: Kysely<Database> = this.db): Promise<boolean> {
    const result = await executor
      .updateTable('jobs')
      .set({ state: 'completed', locked_by: null, locked_until: null, updated_at: this.now() })
      .where('id', '=', jobId)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Records a failed attempt (fenced like `complete`): back to `available` with a backoff in `run_at`, or
   * `failed` when attempts are used up or the error is permanent. Returns the new state, or null if the lease
   * was lost.
   */
  async fail(
    job: Pick<Job, 'id' | 'attempts' | 'maxAttempts'>,
    workerId: string,
    error: string,
    options: { permanent?: boolean; problem?: JobProblem | null } = {},
  ): Promise<'available' | 'failed' | null> {
    const now = this.now();
    const lastError = error.slice(0, MAX_ERROR_LENGTH);
    const problemJson = options.problem ? JSON.stringify(options.problem) : null;
    const terminal = options.permanent === true || job.attempts >= job.maxAttempts;
    const base = this.db.updateTable('jobs').where('id', '=', job.id).where('locked_by', '=', workerId).where('state', '=', 'running');
    const result = terminal
      ? await base.set({ state: 'failed', locked_by: null, locked_until: null, last_error: lastError, problem_json: problemJson, updated_at: now }).executeTakeFirst()
      : await base
          .set({
            ...this.backToAvailable(now + retryDelayMs(job.attempts, this.backoff, this.random)),
            last_error: lastError,
            problem_json: problemJson,
          })
          .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return null;
    return terminal ? 'failed' : 'available';
  }

  /** Graceful shutdown: hands an unfinished job back without counting the attempt. */
  async release(jobId: number, workerId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ ...this.backToAvailable(this.now()), attempts: sql<number>`attempts - 1` })
      .where('id', '=', jobId)
      .where('locked_by', '=', workerId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Sweeper: jobs whose lease expired (their worker died or hung) go back to `available`, or to `failed` if
   * that was their last attempt. Returns how many were returned or failed.
   */
  async returnExpiredLeases(): Promise<number> {
    const now = this.now();
    const expired = this.db.updateTable('jobs').where('state', '=', 'running').where('locked_until', '<', now);
    const failed = await expired
      .where(sql<boolean>`attempts >= max_attempts`)
      .set({ state: 'failed', locked_by: null, locked_until: null, last_error: 'lease expired on the last attempt (worker stopped or hung)', updated_at: now })
      .executeTakeFirst();
    const returned = await expired
      .where(sql<boolean>`attempts < max_attempts`)
      .set({ ...this.backToAvailable(now), last_error: 'lease expired (worker stopped or hung)' })
      .executeTakeFirst();
    return Number(failed.numUpdatedRows + returned.numUpdatedRows);
  }

  /** Admin "retry": a failed job gets a fresh set of attempts. Scoped to an account when one is given. */
  async retryFailed(jobId: number, accountId?: number): Promise<boolean> {
    let query = this.db
      .updateTable('jobs')
      .set({ ...this.backToAvailable(this.now()), attempts: 0 })
      .where('id', '=', jobId)
      .where('state', '=', 'failed');
    if (accountId !== undefined) query = query.where('account_id', '=', accountId);
    const result = await query.executeTakeFirst();
    if (result.numUpdatedRows > 0n) this.nudge();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Admin "skip": a failed job that no retry can fix is set aside as done (its error and problem stay on the row).
   * Scoped to an account when one is given; false when there is no such failed job.
   */
  async skipFailed(jobId: number, accountId?: number): Promise<boolean> {
    let query = this.db.updateTable('jobs').set({ state: 'completed', updated_at: this.now() }).where('id', '=', jobId).where('state', '=', 'failed');
    if (accountId !== undefined) query = query.where('account_id', '=', accountId);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async counts(accountId?: number): Promise<QueueCounts> {
    let query = this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['available', 'running', 'failed'])
      .groupBy('state');
    if (accountId !== undefined) query = query.where('account_id', '=', accountId);
    const rows = await query.execute();
    const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
    return { pending: count('available'), running: count('running'), failed: count('failed') };
  }

  async listFailed(options: { accountId?: number; limit?: number } = {}): Promise<FailedJobSummary[]> {
    let query = this.db
      .selectFrom('jobs')
      .select(['id', 'kind', 'last_error', 'problem_json', 'updated_at'])
      .where('state', '=', 'failed')
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50);
    if (options.accountId !== undefined) query = query.where('account_id', '=', options.accountId);
    const rows = await query.execute();
    return rows.map((r) => ({ id: Number(r.id), kind: r.kind, error: r.last_error ?? '', problem: parseJobProblem(r.problem_json), failedAt: new Date(Number(r.updated_at)).toISOString() }));
  }

  async get(jobId: number): Promise<Job | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    return row ? jobFromRow(row) : undefined;
  }

  /** Deletes completed jobs last touched before `olderThan` (epoch ms); failed jobs stay for the admin. */
  async pruneCompleted(olderThan: number): Promise<number> {
    const result = await this.db.deleteFrom('jobs').where('state', '=', 'completed').where('updated_at', '<', olderThan).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Columns for putting a job back in line. If an equal job (same job_key) is already waiting, this one gives
   * up its key instead of violating the "one waiting job per key" index; both then run, which at-least-once
   * handlers tolerate. (A concurrent enqueue can still race this check; the statement then fails and the
   * sweeper returns the job later.)
   */
  private backToAvailable(runAt: number) {
    return {
      state: 'available' as const,
      run_at: runAt,
      locked_by: null,
      locked_until: null,
      updated_at: this.now(),
      job_key: sql<string | null>`case when exists (
        select 1 from jobs w where w.job_key = jobs.job_key and w.state = 'available' and w.id <> jobs.id
      ) then null else job_key end`,
    };
  }
}
