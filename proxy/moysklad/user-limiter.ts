/**
 * Request scheduler for ONE МойСклад user (or solution token). Create one per user and hand the same object to
 * everything that calls МойСклад as that user: the limits are counted per user on the server, so two limiters for
 * one user would each think they have the whole budget.
 *
 * Nothing here hard-codes a rate. The pace comes from the response headers:
 *   X-RateLimit-Limit + X-Lognex-Retry-TimeInterval → spread requests evenly (interval / limit apart),
 *   X-RateLimit-Remaining                          → at 0 (counting what we sent since), wait for the reset,
 *   X-Lognex-Retry-After / X-Lognex-Reset           → how long to pause after a 429.
 * Request weights (2026 rules) are not visible as such (unconfirmed how they show in the headers); if a request
 * costs more than one unit, Remaining falls faster than we spend it and the zero gate absorbs that.
 * Until the first response tells us the budget, only one request is in flight (a probe).
 */
export interface UserLimiterOptions {
  /** Parallel requests. The server allows 5 per user; 4 leaves room for a human in the UI. */
  maxParallel?: number;
  /** After a parallel-limit 429 (1073) the parallelism drops by one; it comes back one step per quiet period. */
  restoreParallelAfterMs?: number;
  /** Fraction of the advertised rate we aim for, so that timer jitter never tips us over. */
  headroom?: number;
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
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  private parallelLimit: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private probed = false;
  private nextStartAt = 0;
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
    const headroom = options.headroom ?? 0.9;
    if (!(headroom > 0 && headroom <= 1)) throw new RangeError('MoySkladUserLimiter: headroom must be in (0, 1]');
    this.maxParallel = maxParallel;
    this.parallelLimit = maxParallel;
    this.restoreParallelAfterMs = options.restoreParallelAfterMs ?? 10_000;
    this.headroom = headroom;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Waits for a parallel slot and for our turn in time. Call the returned function when the response is in. */
  async acquire(): Promise<ReleaseSlot> {
    await this.takeParallelSlot();
    try {
      for (;;) {
        const now = this.now();
        const readyAt = Math.max(this.pausedUntil, this.nextStartAt, this.remaining !== null && this.remaining <= 0 ? this.resetAt : 0);
        if (readyAt <= now) {
          this.nextStartAt = now + this.currentGapMs();
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
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releaseParallelSlot();
    };
  }

  /** Feed every response's rate headers (also those of errors and 429s). */
  observe(headers: RateHeaders): void {
    this.probed = true;
    const now = this.now();
    if (headers.limit !== undefined && headers.limit > 0) this.limit = headers.limit;
    if (headers.intervalMs !== undefined && headers.intervalMs > 0) this.intervalMs = headers.intervalMs;
    if (headers.remaining !== undefined) this.remaining = Math.max(0, headers.remaining);
    if (headers.resetMs !== undefined) this.resetAt = now + Math.max(0, headers.resetMs);
    else if (this.remaining === 0) this.resetAt = now + this.currentGapMs();
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
    const pause = retryAfterMs ?? this.currentGapMs();
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

  /**
   * The evenly spread pace. No extra attenuation on a low Remaining: with a sliding window, pacing right at the
   * limit keeps Remaining near zero by design, so slowing down there would halve throughput for nothing. When
   * Remaining really runs out (other clients of the same user, heavier request weights) the zero gate in
   * `acquire` waits for the reset instead.
   */
  private currentGapMs(): number {
    if (this.limit === null || this.intervalMs === null) return 0;
    return this.intervalMs / (this.limit * this.headroom);
  }

  private effectiveParallel(): number {
    return this.probed ? this.parallelLimit : 1;
  }

  private takeParallelSlot(): Promise<void> {
    if (this.inFlight < this.effectiveParallel() && this.waiting.length === 0) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
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
      this.waiting.shift()?.();
    }
  }
}
