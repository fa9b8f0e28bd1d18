import type { Selectable } from 'kysely';
import type { JobState, JobsTable } from '../db/schema.js';
import type { JobProblem } from './job-problem.js';

export type { JobState };

/** A job as the queue hands it out. `payload` is parsed JSON; handlers validate it with their zod schema. */
export interface Job {
  id: number;
  kind: string;
  accountId: number | null;
  payload: unknown;
  jobKey: string | null;
  orderingKey: string | null;
  state: JobState;
  runAt: number;
  /** Attempts started so far, including the current one when the job is running. */
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface EnqueueInput {
  kind: string;
  payload?: unknown;
  accountId?: number | null;
  /**
   * Dedupe key: while a job with this key is waiting (`available`), enqueueing another one is a no-op that
   * returns the waiting job. A job that already started does not block a new one, because it may have read
   * data older than the change that caused the new enqueue.
   */
  jobKey?: string | null;
  /** When an equal job is waiting (same jobKey): give it this enqueue's payload (the newest event wins). */
  replacePayloadWhenDeduplicated?: boolean;
  /**
   * Per-entity ordering: a job is not claimed while an earlier job (lower id) with the same ordering key is
   * still available or running. A terminally failed job no longer blocks its successors.
   */
  orderingKey?: string | null;
  /** Earliest start, epoch ms (default: now). */
  runAt?: number;
  /** Total attempts before the job is marked failed (default from the queue options). */
  maxAttempts?: number;
}

export interface EnqueueResult {
  id: number;
  /** True when an equal waiting job (same jobKey) already existed and no new job was created. */
  deduplicated: boolean;
}

export interface QueueCounts {
  pending: number;
  running: number;
  failed: number;
}

export interface FailedJobSummary {
  id: number;
  kind: string;
  error: string;
  /** What the admin is told about it (job-problem.ts), when the failing handler knew. */
  problem: JobProblem | null;
  /** ISO-8601 (UTC). */
  failedAt: string;
}

export function jobFromRow(row: Selectable<JobsTable>): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    accountId: row.account_id === null ? null : Number(row.account_id),
    payload: JSON.parse(row.payload_json) as unknown,
    jobKey: row.job_key,
    orderingKey: row.ordering_key,
    state: row.state,
    runAt: Number(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
