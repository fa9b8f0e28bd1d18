/**
 * Request scheduler for ONE МойСклад user (or solution token). Create one per user and hand the same object to
 * everything that calls МойСклад as that user: the limits are counted per user on the server, so two limiters for
 * one user would each think they have the whole budget.
 *
 * Nothing here hard-codes a rate. The budget comes from the response headers:
 *   X-RateLimit-Limit + X-Lognex-Retry-TimeInterval → at most Limit starts in any (slightly widened) interval,
 *   X-RateLimit-Remaining                          → at 0 (counting what we sent since), wait for the reset,
 *   X-Lognex-Retry-After / X-Lognex-Reset           → how long to pause after a 429.
 * МойСклад counts a sliding window, so a burst is allowed: a till sale's two or three reads go out at once after a
 * quiet moment instead of a third of a second apart.
 *
 * Two lanes: `live` (a webhook's entity, a widget call — someone is waiting) and `bulk` (import, reconciliation).
 * Bulk work never takes the last `liveReserve` starts of a window and steps aside while a live request waits, so a
 * running import delays a till sale by one request at most.
 * Request weights (2026 rules) are not visible as such (unconfirmed how they show in the headers); if a request
 * costs more than one unit, Remaining falls faster than we spend it and the zero gate absorbs that.
 * Until the first response tells us the budget, only one request is in flight (a probe).
 */
export type LimiterLane = 'live' | 'bulk';

export interface UserLimiterOptions {
  /** Parallel requests. The server allows 5 per user; 4 leaves room for a human in the UI. */
  maxParallel?: number;
  /** After a parallel-limit 429 (1073) the parallelism drops by one; it comes back one step per quiet period. */
  restoreParallelAfterMs?: number;
  /**
   * Fraction of the advertised rate we aim for: the window we count in is the interval divided by it, so arrival
   * jitter never tips us over (0.95: 11 requests per ≈ 3.16 s).
   */
  headroom?: number;
  /** Starts of each window bulk work leaves to live requests. */
  liveReserve?: number;
  /**
   * Added to the window we count in: requests of a burst leave together but arrive with event-loop and network
   * jitter, and МойСклад counts arrivals (in real time 25 ms of 3 s cost under 1%).
   */
  jitterMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RateHeaders {
  limit?: number | undefined;
  remaining?: number | undefined;
  intervalMs?: number | undefined;
  resetMs?: number | undefined;
}

export interface UserLimiterSnapshot {
  inFlight: number;
  parallelLimit: number;
  queued: number;
  limit: number | null;
  intervalMs: number | null;
  remaining: number | null;
  started: number;
  rateLimited: number;
  parallelLimited: number;
}

export type ReleaseSlot = () => void;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class MoySkladUserLimiter {
  readonly maxParallel: number;
  private readonly restoreParallelAfterMs: number;
  private readonly headroom: number;
  private readonly liveReserve: number;
  private readonly jitterMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  private parallelLimit: number;
  private inFlight = 0;
  /** Waiters for a parallel slot, live ones first. */
  private readonly waiting: Array<{ lane: LimiterLane; wake: () => void }> = [];
  private liveWaiting = 0;
  private probed = false;
  /** Our start times inside the current window, oldest first. */
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private lastParallelCutAt = 0;
  private limit: number | null = null;
  private intervalMs: number | null = null;
  private remaining: number | null = null;
  private resetAt = 0;
  private started = 0;
  private rateLimited = 0;
  private parallelLimited = 0;

  constructor(options: UserLimiterOptions = {}) {
    const maxParallel = options.maxParallel ?? 4;
    if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 5) {
      throw new RangeError('MoySkladUserLimiter: maxParallel must be an integer 1..5 (МойСклад allows 5 per user)');
    }
    const headroom = options.headroom ?? 0.95;
    if (!(headroom > 0 && headroom <= 1)) throw new RangeError('MoySkladUserLimiter: headroom must be in (0, 1]');
    this.maxParallel = maxParallel;
    this.parallelLimit = maxParallel;
    this.restoreParallelAfterMs = options.restoreParallelAfterMs ?? 10_000;
    this.headroom = headroom;
    this.liveReserve = options.liveReserve ?? 2;
    this.jitterMs = options.jitterMs ?? 25;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Waits for a parallel slot and for our turn in time. Call the returned function when the response is in. */
  async acquire(lane: LimiterLane = 'live'): Promise<ReleaseSlot> {
    if (lane === 'live') this.liveWaiting += 1;
    let counted = lane === 'live';
    try {
      await this.takeParallelSlot(lane);
      try {
        for (;;) {
          const now = this.now();
          const readyAt = this.readyAt(lane, now);
          if (readyAt <= now) {
            this.starts.push(now);
            if (this.remaining !== null) this.remaining -= 1; // spent locally before the server confirms it
            this.started += 1;
            break;
          }
          await this.sleep(readyAt - now);
        }
      } catch (error) {
        this.releaseParallelSlot();
        throw error;
      }
    } finally {
      if (counted) {
        this.liveWaiting -= 1;
        counted = false;
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releaseParallelSlot();
    };
  }

  /** When a request of `lane` may start (≤ now: at once). */
  private readyAt(lane: LimiterLane, now: number): number {
    let at = Math.max(this.pausedUntil, this.remaining !== null && this.remaining <= 0 ? this.resetAt : 0);
    if (this.limit !== null && this.intervalMs !== null) {
      const span = this.intervalMs / this.headroom + this.jitterMs;
      while (this.starts.length > 0 && this.starts[0]! <= now - span) this.starts.shift();
      const allowed = lane === 'live' ? this.limit : Math.max(1, this.limit - this.liveReserve);
      if (this.starts.length >= allowed) at = Math.max(at, this.starts[this.starts.length - allowed]! + span);
    }
    // Bulk steps aside while a live request waits for its turn (it re-checks shortly after).
    if (lane === 'bulk' && this.liveWaiting > 0) at = Math.max(at, now + 5);
    return at;
  }

  /** Feed every response's rate headers (also those of errors and 429s). */
  observe(headers: RateHeaders): void {
    this.probed = true;
    const now = this.now();
    if (headers.limit !== undefined && headers.limit > 0) this.limit = headers.limit;
    if (headers.intervalMs !== undefined && headers.intervalMs > 0) this.intervalMs = headers.intervalMs;
    if (headers.remaining !== undefined) this.remaining = Math.max(0, headers.remaining);
    if (headers.resetMs !== undefined) this.resetAt = now + Math.max(0, headers.resetMs);
    else if (this.remaining === 0) this.resetAt = now + this.fallbackPauseMs();
    this.wakeWaiters();
  }

  /** A 429 arrived: pause everyone for the time the server asked (rate) or shed one parallel slot (parallel). */
  onRateLimited(kind: 'rate' | 'parallel', retryAfterMs: number | undefined): void {
    const now = this.now();
    if (kind === 'parallel') {
      this.parallelLimited += 1;
      this.parallelLimit = Math.max(1, this.parallelLimit - 1);
      this.lastParallelCutAt = now;
      if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
      return;
    }
    this.rateLimited += 1;
    this.remaining = 0;
    const pause = retryAfterMs ?? this.fallbackPauseMs();
    this.pausedUntil = Math.max(this.pausedUntil, now + pause);
    this.resetAt = Math.max(this.resetAt, now + pause);
  }

  snapshot(): UserLimiterSnapshot {
    return {
      inFlight: this.inFlight,
      parallelLimit: this.parallelLimit,
      queued: this.waiting.length,
      limit: this.limit,
      intervalMs: this.intervalMs,
      remaining: this.remaining,
      started: this.started,
      rateLimited: this.rateLimited,
      parallelLimited: this.parallelLimited,
    };
  }

  /** Without a Retry-After: one evenly spread gap of the advertised budget. */
  private fallbackPauseMs(): number {
    if (this.limit === null || this.intervalMs === null) return 0;
    return this.intervalMs / this.limit;
  }

  private effectiveParallel(): number {
    return this.probed ? this.parallelLimit : 1;
  }

  private takeParallelSlot(lane: LimiterLane): Promise<void> {
    if (this.inFlight < this.effectiveParallel() && this.waiting.length === 0) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const waiter = { lane, wake: () => resolve() };
      // Live waiters go before every bulk waiter, after earlier live ones.
      const at = lane === 'live' ? this.waiting.findIndex((w) => w.lane === 'bulk') : -1;
      if (at === -1) this.waiting.push(waiter);
      else this.waiting.splice(at, 0, waiter);
    });
  }

  private releaseParallelSlot(): void {
    this.inFlight -= 1;
    this.maybeRestoreParallel();
    this.wakeWaiters();
  }

  private maybeRestoreParallel(): void {
    if (this.parallelLimit >= this.maxParallel) return;
    const now = this.now();
    if (now - this.lastParallelCutAt >= this.restoreParallelAfterMs) {
      this.parallelLimit += 1;
      this.lastParallelCutAt = now;
    }
  }

  private wakeWaiters(): void {
    while (this.waiting.length > 0 && this.inFlight < this.effectiveParallel()) {
      this.inFlight += 1;
      this.waiting.shift()?.wake();
    }
  }
}
