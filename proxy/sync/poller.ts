import { syncBlocker } from '../account-readiness.js';
import type { SyncEngine } from './engine.js';
import { entityJob, webhookDelayMs, type SyncedType } from './jobs.js';
import { pollIntervalMs, POLL_TICK_MS } from './poll-intervals.js';
import { pollStream } from './realtime.js';
import { readStream } from './streams.js';

/**
 * Reads the changes of polled types (proxy/sync/realtime.ts decides which) and hands each changed entity to the live
 * lane exactly as its webhook would have: the same `sync.entity` job, re-reading the entity by id. A poll is a stream
 * read of that type only (`readStream` from its own `poll.<type>` position), one request when nothing changed.
 */
export class RealtimePoller {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly engine: SyncEngine,
    private readonly tickMs: number = POLL_TICK_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((error: unknown) => this.engine.deps.logger.error({ err: error }, 'poll tick failed'))
        .finally(() => {
          this.ticking = null;
        });
    }, this.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** Starts the polls that are due (one at a time per account and type); a slow one holds back no other. */
  async tick(now = Date.now()): Promise<void> {
    const { realtime, options } = this.engine.deps;
    for (const turn of await realtime.due(now)) {
      const key = `${turn.accountId}:${turn.entityType}`;
      if (this.inflight.has(key)) continue;
      if (!(await realtime.claim(turn, now + (turn.intervalMs ?? pollIntervalMs(turn.entityType, options))))) continue;
      const run = this.poll(turn.accountId, turn.entityType as SyncedType)
        .then(() => undefined)
        .catch((error: unknown) => this.engine.deps.logger.warn({ accountId: turn.accountId, entityType: turn.entityType, err: error instanceof Error ? error.message : String(error) }, 'poll failed'))
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, run);
    }
  }

  /** Waits for the polls started so far (tests). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** One poll of one type: the changed entities become live jobs. Returns how many. */
  async poll(accountId: number, type: SyncedType): Promise<number> {
    const { accounts, streams, queue } = this.engine.deps;
    // Nothing calls МойСклад for an account that may not (a refused token, a missing installation).
    if (syncBlocker(await accounts.find(accountId)) !== null) return 0;
    const ctx = await this.engine.context(accountId, { lane: 'live' });
    const key = pollStream(type);
    let changed = 0;
    for await (const page of readStream(ctx, type, await streams.get(accountId, key))) {
      for (const row of page.rows) {
        // `receivedAt` = when the read was sent: a job that read the entity later covers this change (as for a webhook).
        await queue.enqueue(entityJob({ accountId, entityType: type, id: row.id, action: 'UPDATE', receivedAt: page.readAt }, { delayMs: webhookDelayMs(type, 'UPDATE') }));
        changed += 1;
      }
      await streams.save(accountId, key, page.position);
    }
    return changed;
  }
}
