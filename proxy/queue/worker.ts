import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { JobQueue } from './job-queue.js';
import type { JobProblem } from './job-problem.js';
import type { Job } from './types.js';

/** How long `stop` waits for aborted handlers to unwind. */
const UNWIND_MS = 2_000;

export interface JobContext {
  job: Job;
  /** Aborted when the lease is lost or the worker stops past its drain deadline: stop and throw. */
  signal: AbortSignal;
  log: Logger;
}

export interface JobHandler<P = unknown> {
  /** Validates the stored payload; a payload that does not parse fails the job permanently. */
  schema: z.ZodType<P>;
  handle(payload: P, context: JobContext): Promise<void>;
}

/** Typed handler helper: `defineJobHandler(z.object({ id: z.string() }), async ({ id }, ctx) => …)`. */
export function defineJobHandler<P>(schema: z.ZodType<P>, handle: (payload: P, context: JobContext) => Promise<void>): JobHandler<P> {
  return { schema, handle };
}

/**
 * Throw from a handler when retrying cannot help (bad input, 4xx from a vendor): the job fails at once. `problem`
 * (see job-problem.ts) is what the admin reads about it on the settings page.
 */
export class PermanentJobError extends Error {
  readonly problem: JobProblem | null;
  constructor(message: string, options?: ErrorOptions & { problem?: JobProblem }) {
    super(message, options);
    this.name = 'PermanentJobError';
    this.problem = options?.problem ?? null;
  }
}

export interface WorkerOptions {
  queue: JobQueue;
  handlers: Record<string, JobHandler<any>>;
  logger: Logger;
  concurrency?: number;
  pollIntervalMs?: number;
  leaseMs?: number;
  /** How often this worker returns expired leases and prunes old completed jobs. */
  sweepIntervalMs?: number;
  keepCompletedMs?: number;
  workerId?: string;
}

/**
 * Runs jobs from a JobQueue: claims up to `concurrency` jobs of the kinds it has handlers for, keeps their
 * leases alive with heartbeats, completes or fails them (fenced on its own id), and polls — woken early by
 * local enqueues and by finished jobs. Several workers in several processes can share one database.
 */
export class Worker {
  readonly workerId: string;
  private readonly queue: JobQueue;
  private readonly handlers: Record<string, JobHandler<any>>;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly sweepIntervalMs: number;
  private readonly keepCompletedMs: number;
  private readonly running = new Map<number, { promise: Promise<void>; abort: AbortController }>();
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A wake-up that arrived while the loop was busy claiming; the next sleep returns at once. */
  private wakeRequested = false;
  private unsubscribe: (() => void) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    this.queue = options.queue;
    this.handlers = options.handlers;
    this.concurrency = options.concurrency ?? 4;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    // Heartbeats renew the lease every leaseMs/3, so a short lease costs little and a crashed process's jobs come
    // back within half a minute (a 5-minute lease made a killed import wait 5 minutes to resume).
    this.leaseMs = options.leaseMs ?? 30_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
    this.keepCompletedMs = options.keepCompletedMs ?? 24 * 60 * 60_000;
    this.workerId = options.workerId ?? `worker-${randomUUID()}`;
    this.log = options.logger.child({ workerId: this.workerId });
  }

  start(): void {
    if (this.loopDone) throw new Error('worker already started');
    const kinds = new Set(Object.keys(this.handlers));
    this.unsubscribe = this.queue.onEnqueued((kind) => {
      if (kind === '*' || kinds.has(kind)) this.requestWake();
    });
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    this.sweepTimer.unref();
    void this.sweep(); // frees jobs left running by a process that died before this one started
    this.loopDone = this.loop();
  }

  /**
   * Graceful stop: stop claiming, wait up to `drainMs` for running jobs, then abort the rest and hand their
   * leases back so another worker can pick them up at once instead of after the lease expires.
   */
  async stop(drainMs = 10_000): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    clearInterval(this.sweepTimer);
    this.requestWake();
    await this.loopDone;
    await this.sweeping; // the caller may close the database right after stop()
    const drained = Promise.allSettled([...this.running.values()].map((r) => r.promise));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
    const aborted: Promise<void>[] = [];
    for (const [jobId, { abort, promise }] of this.running) {
      // Release first, then abort: the handler's resulting rejection must not be recorded as a failed attempt.
      await this.queue.release(jobId, this.workerId).catch((error: unknown) => this.log.error({ err: error, jobId }, 'could not release job lease'));
      abort.abort(new Error('worker stopping'));
      aborted.push(promise);
    }
    // Aborted handlers unwind at their next await: give them a moment to clean up (entity leases) before the caller
    // closes the database under them.
    if (aborted.length > 0) {
      let unwindTimer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(aborted), new Promise((resolve) => (unwindTimer = setTimeout(resolve, UNWIND_MS)))]);
      clearTimeout(unwindTimer);
    }
  }

  get runningCount(): number {
    return this.running.size;
  }

  private async loop(): Promise<void> {
    const kinds = Object.keys(this.handlers);
    while (!this.stopping) {
      const free = this.concurrency - this.running.size;
      if (free > 0) {
        try {
          const jobs = await this.queue.claim(this.workerId, kinds, free, this.leaseMs);
          for (const job of jobs) this.launch(job);
          if (jobs.length === free) continue; // there may be more due work
        } catch (error) {
          this.log.error({ err: error }, 'claiming jobs failed');
        }
      }
      await this.sleep();
    }
  }

  private requestWake(): void {
    if (this.wake) this.wake();
    else this.wakeRequested = true;
  }

  private sleep(): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, this.pollIntervalMs);
      this.wake = finish;
    });
  }

  private launch(job: Job): void {
    const abort = new AbortController();
    const promise = this.run(job, abort).finally(() => {
      this.running.delete(job.id);
      this.requestWake();
    });
    this.running.set(job.id, { promise, abort });
  }

  private async run(job: Job, abort: AbortController): Promise<void> {
    const log = this.log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const heartbeat = setInterval(() => {
      this.queue.extendLease(job.id, this.workerId, this.leaseMs).then(
        (held) => {
          if (!held) abort.abort(new Error('job lease lost'));
        },
        (error: unknown) => log.warn({ err: error }, 'lease heartbeat failed'),
      );
    }, Math.max(10, Math.floor(this.leaseMs / 3)));
    try {
      const handler = this.handlers[job.kind];
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      const parsed = handler.schema.safeParse(job.payload);
      if (!parsed.success) throw new PermanentJobError(`invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      await handler.handle(parsed.data, { job, signal: abort.signal, log });
      if (!(await this.queue.complete(job.id, this.workerId))) log.warn('job finished after its lease was lost; another worker owns it now');
    } catch (error) {
      if (abort.signal.aborted) {
        // Lease lost or released at shutdown: the job belongs to the queue again, nothing to record.
        log.warn({ reason: String(abort.signal.reason) }, 'job aborted');
        return;
      }
      const permanent = error instanceof PermanentJobError;
      const message = error instanceof Error ? error.message : String(error);
      const problem = error instanceof PermanentJobError ? error.problem : null;
      const state = await this.queue.fail(job, this.workerId, message, { permanent, problem }).catch((failError: unknown) => {
        log.error({ err: failError }, 'could not record job failure');
        return null;
      });
      log[state === 'failed' ? 'error' : 'warn']({ err: error, state }, 'job attempt failed');
    } finally {
      clearInterval(heartbeat);
    }
  }

  private sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    try {
      const returned = await this.queue.returnExpiredLeases();
      if (returned > 0) this.log.warn({ returned }, 'returned jobs with expired leases');
      await this.queue.pruneCompleted(this.queue.now() - this.keepCompletedMs);
    } catch (error) {
      this.log.error({ err: error }, 'queue sweep failed');
    }
  }
}
