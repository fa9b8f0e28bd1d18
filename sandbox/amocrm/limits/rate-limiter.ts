/**
 * amoCRM's request limit: more than `perSecond` calls within one second → 429; after `blockAfterViolations`
 * 429s within a minute the account is blocked and every call is a 403 until unblocked by "support".
 * Keyed per account (the emulator hosts one integration, so per account = per account and integration).
 * Only accepted calls count towards the window; the real counting rule is unpublished.
 */

export type LimitVerdict = 'accepted' | 'rate_limited' | 'blocked';

export interface AccountLimitStats {
  requests: number;
  rejected429: number;
  rejected403: number;
  blocked: boolean;
  /** Emulator-clock timestamps (ms) of accepted calls, oldest first. */
  timeline: number[];
}

interface LimitState extends AccountLimitStats { violations: number[] }

export class RateLimiter {
  private readonly states = new Map<string, LimitState>();

  constructor(
    private readonly policy: { perSecond: number; blockAfterViolations: number; windowMs: number; violationWindowMs: number },
    private readonly now: () => number,
  ) {}

  isBlocked(key: string): boolean {
    return this.state(key).blocked;
  }

  check(key: string): LimitVerdict {
    const state = this.state(key);
    const now = this.now();
    state.requests += 1;
    if (state.blocked) {
      state.rejected403 += 1;
      return 'blocked';
    }
    const windowStart = now - this.policy.windowMs;
    let inWindow = 0;
    for (let i = state.timeline.length - 1; i >= 0 && (state.timeline[i] ?? 0) > windowStart; i -= 1) inWindow += 1;
    if (inWindow >= this.policy.perSecond) {
      state.rejected429 += 1;
      state.violations = state.violations.filter((t) => t > now - this.policy.violationWindowMs);
      state.violations.push(now);
      if (state.violations.length >= this.policy.blockAfterViolations) state.blocked = true;
      return 'rate_limited';
    }
    state.timeline.push(now);
    return 'accepted';
  }

  unblock(key: string): void {
    const state = this.state(key);
    state.blocked = false;
    state.violations = [];
  }

  stats(key: string): AccountLimitStats {
    const { requests, rejected429, rejected403, blocked, timeline } = this.state(key);
    return { requests, rejected429, rejected403, blocked, timeline: [...timeline] };
  }

  reset(key: string): void {
    this.states.delete(key);
  }

  private state(key: string): LimitState {
    let state = this.states.get(key);
    if (!state) {
      state = { requests: 0, rejected429: 0, rejected403: 0, blocked: false, timeline: [], violations: [] };
      this.states.set(key, state);
    }
    return state;
  }
}

/** Largest number of timeline entries inside any window of `windowMs` (half-open: (t - windowMs, t]). */
export function maxInAnyWindow(timeline: readonly number[], windowMs: number): number {
  const sorted = [...timeline].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[start] ?? 0) <= (sorted[end] ?? 0) - windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
