import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { SyncEngine } from './engine.js';
import { accountLifecycleJob, SYNC_JOBS } from './jobs.js';

export interface SchedulerOptions {
  tickMs: number;
  reconcileIntervalMs: number;
  pollingIntervalMs: number;
}

/**
 * Turns time into jobs: connect accounts that became ready (both sides authorised), and reconcile each connected
 * account on its interval. Jobs carry keys, so several processes ticking at once enqueue each job once.
 */
export class SyncScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly lastReconcileAt = new Map<number, number>();

  constructor(
    private readonly engine: SyncEngine,
    private readonly accounts: AccountsRepository,
    private readonly queue: JobQueue,
    private readonly options: SchedulerOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((error: unknown) => this.engine.deps.logger.error({ err: error }, 'sync scheduler tick failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.options.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async tick(now = Date.now()): Promise<void> {
    for (const account of await this.accounts.listActive()) {
      if (!account.moyskladConnected || !account.hasAmoTokens || account.needsReinstall || account.needsReauth) continue;
      const id = account.accountId;
      const sync = await this.engine.deps.state.get(id);
      if (sync.connectedAt === null) {
        await this.queue.enqueue(accountLifecycleJob(SYNC_JOBS.connect, id));
        continue;
      }
      // Reconciling before the initial import ends would race it over the same positions.
      if (sync.import.state !== 'done') continue;
      const interval = sync.mode === 'polling' ? this.options.pollingIntervalMs : this.options.reconcileIntervalMs;
      const last = this.lastReconcileAt.get(id) ?? 0;
      if (now - last < interval) continue;
      this.lastReconcileAt.set(id, now);
      await this.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, id));
    }
  }
}
