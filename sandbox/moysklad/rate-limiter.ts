import type { RateLimitOptions } from './options.js';

export interface UserRequestStats {
  /** Every authenticated request that reached the limiter (accepted or not). */
  requests: number;
  rejected429: number;
  maxParallelSeen: number;
  /** Real-clock epoch ms of each ACCEPTED request, in order. */
  timeline: number[];
}

export type LimitDecision =
  | { ok: true; headers: Record<string, string>; release: () => void }
  | { ok: false; code: 1049 | 1073; headers: Record<string, string> };

/** Largest number of accepted requests that fall into any window of `windowMs` (two pointers). */
export function maxAcceptedInWindow(timeline: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < timeline.length; end++) {
    while (timeline[end]! - timeline[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

interface UserState {
  accepted: number[]; // accepted times still inside the window
  inFlight: number;
  stats: UserRequestStats;
}

/**
 * Limits of the 2026 rules: per user a sliding window of N requests and M in parallel, plus a
 * parallel cap for the whole account.
 * Rejected requests do not use up the window (they are not executed).
 */
export class RateLimiter {
  private readonly users = new Map<string, UserState>();
  private accountInFlight = 0;
  readonly windowMs: number;

  constructor(private readonly limits: RateLimitOptions, timeScale: number, private readonly clock: () => number = Date.now) {
    this.windowMs = Math.max(1, Math.round(limits.windowMs / timeScale));
  }

  private state(user: string): UserState {
    let state = this.users.get(user);
    if (!state) {
      state = { accepted: [], inFlight: 0, stats: { requests: 0, rejected429: 0, maxParallelSeen: 0, timeline: [] } };
      this.users.set(user, state);
    }
    return state;
  }

  private headers(state: UserState, now: number): Record<string, string> {
    const remaining = Math.max(0, this.limits.requestsPerWindow - state.accepted.length);
    const oldest = state.accepted[0];
    const reset = oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - now);
    return {
      'X-RateLimit-Limit': String(this.limits.requestsPerWindow),
      'X-RateLimit-Remaining': String(remaining),
      'X-Lognex-Retry-TimeInterval': String(this.windowMs),
      'X-Lognex-Reset': String(reset),
      'X-Lognex-Retry-After': String(reset),
    };
  }

  acquire(user: string): LimitDecision {
    const now = this.clock();
    const state = this.state(user);
    state.stats.requests++;
    while (state.accepted.length > 0 && state.accepted[0]! <= now - this.windowMs) state.accepted.shift();
    if (state.inFlight >= this.limits.parallelPerUser || this.accountInFlight >= this.limits.parallelPerAccount) {
      state.stats.rejected429++;
      return { ok: false, code: 1073, headers: this.headers(state, now) };
    }
    if (state.accepted.length >= this.limits.requestsPerWindow) {
      state.stats.rejected429++;
      return { ok: false, code: 1049, headers: this.headers(state, now) };
    }
    state.accepted.push(now);
    state.stats.timeline.push(now);
    state.inFlight++;
    this.accountInFlight++;
    state.stats.maxParallelSeen = Math.max(state.stats.maxParallelSeen, state.inFlight);
    let released = false;
    return {
      ok: true,
      headers: this.headers(state, now),
      release: () => {
        if (released) return;
        released = true;
        state.inFlight--;
        this.accountInFlight--;
      },
    };
  }

  stats(): Record<string, UserRequestStats> {
    const out: Record<string, UserRequestStats> = {};
    for (const [user, state] of this.users) out[user] = { ...state.stats, timeline: [...state.stats.timeline] };
    return out;
  }

  reset(): void {
    this.users.clear();
  }
}
