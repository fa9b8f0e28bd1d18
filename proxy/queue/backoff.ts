/**
 * Retry delay policy, kept as data so tests can shrink time and callers can tune it per deployment.
 * The delay lives in the job row (`run_at`), never in an in-memory timer, so retries survive restarts.
 */
export interface BackoffPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** Upper bound for any single delay. */
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 5_000, maxMs: 60 * 60_000 };

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, the other half random, so
 * jobs that failed together (e.g. a vendor outage) spread out when they come back, yet never retry sooner
 * than half the nominal delay.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(nominal / 2 + (nominal / 2) * random());
}
