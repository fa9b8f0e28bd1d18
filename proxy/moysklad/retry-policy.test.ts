import { describe, expect, it } from 'vitest';
import { MoySkladAuthError, MoySkladConflictError, MoySkladError, MoySkladNetworkError, MoySkladRateLimitError, MoySkladValidationError } from './errors.js';
import { backoffDelay, defaultRetryPolicy, shouldRetry, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };

describe('shouldRetry', () => {
  it('waits exactly as long as a 429 says, for both kinds', () => {
    expect(shouldRetry(new MoySkladRateLimitError('x', { status: 429, code: 1049, kind: 'rate', retryAfterMs: 1234 }), 1, policy)).toEqual({ retry: true, reason: 'rate-limit', delayMs: 1234 });
    expect(shouldRetry(new MoySkladRateLimitError('x', { status: 429, code: 1073, kind: 'parallel' }), 2, policy)).toMatchObject({ retry: true, delayMs: 200 });
    expect(shouldRetry(new MoySkladRateLimitError('x', { kind: 'rate' }), policy.maxRateLimitAttempts, policy)).toEqual({ retry: false });
  });

  it('backs off exponentially with a cap on 5xx, maintenance codes and network errors', () => {
    expect(shouldRetry(new MoySkladError('x', { status: 503 }), 1, policy)).toEqual({ retry: true, reason: 'server', delayMs: 100 });
    expect(shouldRetry(new MoySkladError('x', { status: 500 }), 3, policy)).toMatchObject({ delayMs: 400 });
    expect(shouldRetry(new MoySkladError('x', { status: 400, code: 1074 }), 1, policy)).toMatchObject({ retry: true });
    expect(shouldRetry(new MoySkladNetworkError('x'), 4, policy)).toMatchObject({ retry: true, reason: 'network', delayMs: 800 });
    expect(shouldRetry(new MoySkladNetworkError('x'), policy.maxAttempts, policy)).toEqual({ retry: false });
    expect(backoffDelay(20, policy)).toBe(1000);
  });

  it('jitters to 50–100% but never below the base delay', () => {
    const low = { ...policy, random: () => 0 };
    expect(backoffDelay(1, low)).toBe(100);
    expect(backoffDelay(4, low)).toBe(400);
  });

  it('never retries auth, other 4xx, conflicts or bad response shapes', () => {
    expect(shouldRetry(new MoySkladAuthError('x', { status: 401 }), 1, policy)).toEqual({ retry: false });
    expect(shouldRetry(new MoySkladError('x', { status: 400, code: 3000 }), 1, policy)).toEqual({ retry: false });
    expect(shouldRetry(new MoySkladConflictError('x', { status: 409, code: 1028 }), 1, policy)).toEqual({ retry: false });
    expect(shouldRetry(new MoySkladValidationError('x', { issues: [] }), 1, policy)).toEqual({ retry: false });
    expect(shouldRetry(new Error('boom'), 1, policy)).toEqual({ retry: false });
  });
});
