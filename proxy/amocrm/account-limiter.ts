import { AmoBlockedError } from './errors.js';
import { InMemoryRateLimitStore, type BlockState, type RateLimitStore } from './rate-limit-store.js';

/**
 * Paces calls to amoCRM per account: `requestsPerSecond` evenly spaced (amoCRM allows 7/s per integration; go
 * lower when other integrations share the account), slowed down after 429s, and stopped entirely while the
 * account is blocked (403). The slot bookkeeping lives in a RateLimitStore so processes can share it.
 *
 * A block does not last forever: amoCRM lifts it (through its support) without telling us, so once every
 * `probeCooldownMs` ONE request — whichever comes first, in any process — goes out as a probe. If amoCRM answers it
 * the transport clears the block (`unblock`); if it answers with the block page again the block stays and the next
 * probe waits another cool-down. An operator can clear it at once with `npm run sync -- --unblock-amocrm`.
 */
export interface AccountLimiterOptions {
  requestsPerSecond?: number;
  store?: RateLimitStore;
  /** Spacing over 1000/rps (default 1.05): the allowance for arrival jitter. */
  spacingMargin?: number;
  /** After a 429 the pace halves (down to 1/8); each quiet period of this length restores one step. */
  slowdownRecoveryMs?: number;
  /** How long a block stops every call before one probe request may go (default 15 min; not time-scaled). */
  probeCooldownMs?: number;
  /**
   * Multiplies the one-second window (0.1 → 7 calls per 100 ms). Only for tests and benchmarks against the
   * sandbox emulator running with the same timeScale; production keeps 1.
   */
  timeScale?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const AMO_MAX_RPS = 7;
/**
 * Spacing 5% wider than 1000/rps (7 rps → one call per 150 ms, 6.67/s): calls leave evenly but arrive with network
 * and event-loop jitter, amoCRM counts arrivals, and repeated overruns get the account blocked (403). Eight calls
 * span 7 gaps, so 5% tolerates 50 ms of jitter between the first and the eighth in real time; the margin costs every
 * import 5%, so it is kept as small as that. (The benchmarks run the import at real speed for this reason:
 * compressing time compresses the tolerance with it.)
 */
const DEFAULT_SPACING_MARGIN = 1.05;
const MAX_SLOWDOWN = 8;
/** One request per quarter of an hour cannot extend a block for repeated overruns, and finds its end soon enough. */
const DEFAULT_PROBE_COOLDOWN_MS = 15 * 60_000;

/** What `acquire` grants: a normal call, or the one probe of a blocked account (see `AmoAccountLimiter`). */
export type AmoPermit = { probe: boolean };
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AmoAccountLimiter {
  readonly requestsPerSecond: number;
  readonly store: RateLimitStore;
  private readonly slowdownRecoveryMs: number;
  private readonly probeCooldownMs: number;
  private readonly timeScale: number;
  private readonly spacingMargin: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly slowdown = new Map<string, { factor: number; since: number }>();
  /** This process's own recent send times per account: the guard against bunching after an event-loop stall. */
  private readonly recentSends = new Map<string, number[]>();
  /** Live calls of this process waiting for a slot, per account. */
  private readonly liveWaiting = new Map<string, number>();

  constructor(options: AccountLimiterOptions = {}) {
    const rps = options.requestsPerSecond ?? AMO_MAX_RPS;
    if (!(rps > 0 && rps <= AMO_MAX_RPS)) throw new RangeError(`AmoAccountLimiter: requestsPerSecond must be in (0, ${AMO_MAX_RPS}]`);
    this.requestsPerSecond = rps;
    this.store = options.store ?? new InMemoryRateLimitStore();
    this.probeCooldownMs = options.probeCooldownMs ?? DEFAULT_PROBE_COOLDOWN_MS;
    this.timeScale = options.timeScale ?? 1;
    // In the same time base as the window: a compressed emulator recovers in compressed time too.
    this.slowdownRecoveryMs = options.slowdownRecoveryMs ?? 30_000 * this.timeScale;
    this.spacingMargin = options.spacingMargin ?? DEFAULT_SPACING_MARGIN;
    if (!(this.spacingMargin >= 1)) throw new RangeError('AmoAccountLimiter: spacingMargin must be ≥ 1');
    if (!(this.timeScale > 0)) throw new RangeError('AmoAccountLimiter: timeScale must be > 0');
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Calls per real second this limiter aims for (before any 429 slowdown). */
  get allowedPerSecond(): number {
    return this.requestsPerSecond / this.timeScale;
  }

  /**
   * Resolves when this call may be sent; throws AmoBlockedError while the account is blocked, except for the one
   * call that is let through as the block's probe (`{ probe: true }`: report its answer with `unblock`). `bulk` calls
   * (import, reconciliation) do not reserve a slot while a `live` call of the same account waits in this process, so
   * a till sale's writes take the next slots instead of queueing behind a page of the import.
   */
  async acquire(accountId: string, lane: 'live' | 'bulk' = 'live'): Promise<AmoPermit> {
    if (lane === 'bulk') {
      while ((this.liveWaiting.get(accountId) ?? 0) > 0) await this.sleep(Math.max(1, this.spacingMs(accountId) / 2));
      return this.acquireSlot(accountId);
    }
    this.liveWaiting.set(accountId, (this.liveWaiting.get(accountId) ?? 0) + 1);
    try {
      return await this.acquireSlot(accountId);
    } finally {
      const left = (this.liveWaiting.get(accountId) ?? 1) - 1;
      if (left > 0) this.liveWaiting.set(accountId, left);
      else this.liveWaiting.delete(accountId);
    }
  }

  private async acquireSlot(accountId: string): Promise<AmoPermit> {
    const now = this.now();
    const reservation = await this.store.reserveSlot(accountId, this.spacingMs(accountId, now), now);
    if ('blocked' in reservation) {
      const { probeAt } = reservation.blocked;
      if (probeAt !== null && probeAt <= now && (await this.store.claimProbe(accountId, now, now + this.probeCooldownMs))) {
        await this.waitForWindowRoom(accountId);
        return { probe: true };
      }
      throw blockedError(accountId, reservation.blocked);
    }
    const wait = reservation.sendAt - this.now();
    if (wait > 0) {
      await this.sleep(wait);
      // The account may have been blocked while we waited: check again rather than send into a 403.
      const block = await this.store.getBlocked(accountId, this.now());
      if (block) throw blockedError(accountId, block);
    }
    await this.waitForWindowRoom(accountId);
    return { probe: false };
  }

  /**
   * Even spacing is not enough on its own: if the event loop stalls, timers fire late and several calls leave
   * together. So also keep at most `requestsPerSecond` of our own sends inside any (margin-widened) second.
   */
  private async waitForWindowRoom(accountId: string): Promise<void> {
    const perWindow = Math.max(1, Math.floor(this.requestsPerSecond));
    const windowMs = 1000 * this.timeScale * this.spacingMargin;
    const log = this.recentSends.get(accountId) ?? [];
    for (;;) {
      const now = this.now();
      const oldest = log.length >= perWindow ? log[log.length - perWindow]! : undefined;
      if (oldest === undefined || oldest + windowMs <= now) break;
      await this.sleep(oldest + windowMs - now);
    }
    log.push(this.now());
    if (log.length > perWindow) log.splice(0, log.length - perWindow);
    this.recentSends.set(accountId, log);
  }

  /** A 429: nobody sends before `backoffMs` has passed, and the pace is halved for a while. */
  async onRateLimited(accountId: string, backoffMs: number): Promise<void> {
    const now = this.now();
    const current = this.slowdown.get(accountId)?.factor ?? 1;
    this.slowdown.set(accountId, { factor: Math.min(MAX_SLOWDOWN, current * 2), since: now });
    await this.store.pushBack(accountId, now + backoffMs);
  }

  /**
   * Stops every call for the account (a 403 block page). A block that is already there (a failed probe) keeps its
   * start; the next probe goes one cool-down from now.
   */
  async block(accountId: string, reason: string): Promise<BlockState> {
    const now = this.now();
    const existing = await this.store.getBlocked(accountId, now);
    const state = { since: existing?.since ?? now, probeAt: now + this.probeCooldownMs, reason };
    await this.store.setBlocked(accountId, state);
    return state;
  }

  /** Clears a block: amoCRM answered a probe, or an operator ran `npm run sync -- --unblock-amocrm`. */
  async unblock(accountId: string): Promise<void> {
    await this.store.setBlocked(accountId, null);
  }

  async blockState(accountId: string): Promise<BlockState | null> {
    return this.store.getBlocked(accountId, this.now());
  }

  spacingMs(accountId: string, now = this.now()): number {
    return ((1000 * this.timeScale) / this.requestsPerSecond) * this.spacingMargin * this.currentSlowdown(accountId, now);
  }

  private currentSlowdown(accountId: string, now: number): number {
    const state = this.slowdown.get(accountId);
    if (!state) return 1;
    const steps = Math.floor((now - state.since) / this.slowdownRecoveryMs);
    if (steps <= 0) return state.factor;
    const factor = Math.max(1, state.factor / 2 ** steps);
    if (factor === 1) this.slowdown.delete(accountId);
    else this.slowdown.set(accountId, { factor, since: now });
    return factor;
  }
}

export function blockedError(accountId: string, state: BlockState): AmoBlockedError {
  return new AmoBlockedError(`amoCRM account ${accountId} is blocked (${state.reason}); calls are stopped until amoCRM answers a probe or an operator clears the block`, {
    accountId,
    blockedSince: state.since,
    status: 403,
  });
}
