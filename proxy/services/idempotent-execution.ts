import { createHash } from 'node:crypto';
import type { IdempotencyKeysRepository, StoredAnswer } from '../db/repositories/idempotency-keys.js';
import { isServiceErrorCode, ServiceError } from './service-error.js';

export type IdempotencyTiming = {
  /** How long a key and its answer are kept (a retried request within it gets the same answer). */
  ttlMs: number;
  /** How long a concurrent duplicate waits for the first request to finish before giving up with 409. */
  waitMs: number;
  pollMs: number;
};

export const DEFAULT_IDEMPOTENCY_TIMING: IdempotencyTiming = { ttlMs: 24 * 3600_000, waitMs: 20_000, pollMs: 50 };

/** The idempotency keys as `runOnce` uses them (proxy/db/repositories/idempotency-keys.ts). */
export type IdempotencyStore = Pick<IdempotencyKeysRepository, 'claim' | 'lookup' | 'complete' | 'release'>;

/** Stable hash of what the request asks for: the same key with a different request is refused. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * Runs `work` at most once per (account, key), across requests and processes, and returns its answer:
 * 1. the key is inserted with the request hash first — the database's unique constraint picks one winner;
 * 2. the winner runs `work` and stores its answer, or the definite refusal it met (a non-transient ServiceError);
 * 3. every other caller waits for that stored answer and gets it unchanged (a stored refusal is thrown again).
 * If `work` fails in a way that may be retried (a transient refusal, an unexpected error), the key is released so a
 * retry can run again; the МойСклад write itself is protected by `externalCode` in that case.
 */
export async function runOnce<T>(
  store: IdempotencyStore,
  scope: { accountId: number; key: string; hash: string },
  work: () => Promise<T>,
  timing: IdempotencyTiming = DEFAULT_IDEMPOTENCY_TIMING,
): Promise<T> {
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    const claim = await store.claim(scope.accountId, scope.key, scope.hash, timing.ttlMs);
    if (claim.kind === 'claimed') return answerOf<T>(await runAsWinner(store, scope, work));
    if (claim.requestHash !== scope.hash) throw new ServiceError('idempotency_key_reused');
    if (claim.answer) return answerOf<T>(claim.answer);
    const settled = await waitForAnswer(store, scope, deadline, timing.pollMs);
    if (settled === 'released') continue; // the winner gave up: try to become the winner ourselves
    if (settled.requestHash !== scope.hash) throw new ServiceError('idempotency_key_reused');
    return answerOf<T>(settled.answer);
  }
}

async function runAsWinner<T>(store: IdempotencyStore, scope: { accountId: number; key: string }, work: () => Promise<T>): Promise<StoredAnswer> {
  let answer: StoredAnswer;
  try {
    answer = { kind: 'completed', body: await work() };
  } catch (error) {
    if (error instanceof ServiceError && !error.transient) {
      // A definite refusal is an answer too: repeating the request must not change it (nor its details, e.g. the
      // balance that made a redeem impossible: ServiceError extras are never secrets).
      answer = { kind: 'refused', code: error.code, extra: error.extra };
    } else {
      await store.release(scope.accountId, scope.key);
      throw error;
    }
  }
  await store.complete(scope.accountId, scope.key, answer);
  return answer;
}

/** The stored answer as the first caller saw it: the value `work` returned (stored as JSON), or its refusal thrown. */
function answerOf<T>(answer: StoredAnswer): T {
  if (answer.kind === 'completed') return answer.body as T;
  // A code this version no longer knows cannot be rendered as the refusal it was: fail loudly (500) instead.
  if (!isServiceErrorCode(answer.code)) throw new Error(`stored refusal "${answer.code}" is not a known service code`);
  throw new ServiceError(answer.code, answer.extra);
}

async function waitForAnswer(
  store: IdempotencyStore,
  scope: { accountId: number; key: string },
  deadline: number,
  pollMs: number,
): Promise<{ requestHash: string; answer: StoredAnswer } | 'released'> {
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const row = await store.lookup(scope.accountId, scope.key);
    if (!row) return 'released';
    if (row.answer) return { requestHash: row.requestHash, answer: row.answer };
  }
  throw new ServiceError('idempotency_in_progress');
}
