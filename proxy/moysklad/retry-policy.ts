import { MoySkladError, MoySkladNetworkError, MoySkladRateLimitError } from './errors.js';

/**
 * When to try a failed МойСклад call again — a pure function of the error and the attempt number, so it can be
 * tested without a server. МойСклад's own workbook says 4xx must not be retried (repeats of failing requests can
 * get the user auto-blocked), 429 is retried after the wait the server names, 5xx and network errors with
 * exponential backoff, jitter and a cap.
 */
export interface RetryPolicy {
  /** Total attempts for 5xx / network errors (first try included). */
  maxAttempts: number;
  /** Total attempts for 429s: these are cheap to repeat because the server did nothing. */
  maxRateLimitAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: 'rate-limit' | 'server' | 'network' };

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxRateLimitAttempts: 10,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  random: Math.random,
};

/** Error codes that mean "temporarily unavailable, try later" even if the status were not 5xx. */
const TRANSIENT_CODES = new Set([1074, 1095, 1083, 1036]);

/** Exponential with a cap, jittered to 50–100% of the step, never below the base delay. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(policy.baseDelayMs, Math.round(step * (0.5 + policy.random() * 0.5)));
}

/** @param attempt how many attempts have been made so far (1 after the first failure). */
export function shouldRetry(error: unknown, attempt: number, policy: RetryPolicy = defaultRetryPolicy): RetryDecision {
  if (error instanceof MoySkladRateLimitError) {
    if (attempt >= policy.maxRateLimitAttempts) return { retry: false };
    return { retry: true, reason: 'rate-limit', delayMs: error.retryAfterMs ?? backoffDelay(attempt, policy) };
  }
  if (attempt >= policy.maxAttempts) return { retry: false };
  if (error instanceof MoySkladNetworkError) return { retry: true, reason: 'network', delayMs: backoffDelay(attempt, policy) };
  if (error instanceof MoySkladError) {
    const transient = (error.status !== undefined && error.status >= 500) || (error.code !== undefined && TRANSIENT_CODES.has(error.code));
    // Only plain MoySkladError can be transient: auth, not-found, conflict and validation subclasses never are.
    if (transient && error.constructor === MoySkladError) return { retry: true, reason: 'server', delayMs: backoffDelay(attempt, policy) };
  }
  return { retry: false };
}
