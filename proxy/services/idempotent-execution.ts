import { createHash } from 'node:crypto';
import type { IdempotencyPort, StoredResponse } from './ports.js';
import { ServiceError } from './service-error.js';

export type IdempotencyTiming = {
  /** How long a key and its answer are kept (a retried request within it gets the same answer). */
  ttlMs: number;
  /** How long a concurrent duplicate waits for the first request to finish before giving up with 409. */
  waitMs: number;
  pollMs: number;
};

export const DEFAULT_IDEMPOTENCY_TIMING: IdempotencyTiming = { ttlMs: 24 * 3600_000, waitMs: 20_000, pollMs: 50 };

/** Stable hash of what the request asks for: the same key with a different request is refused. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * Runs `work` at most once per (account, key), across requests and processes:
 * 1. the key is inserted with the request hash first — the database's unique constraint picks one winner;
 * 2. the winner runs `work` and stores its answer (success or a definite refusal);
 * 3. every other caller waits for that stored answer and returns it unchanged.
 * If `work` fails in a way that may be retried (network, 5xx), the key is released so a retry can run
 * again; the МойСклад write itself is protected by `externalCode` in that case.
 */
export async function runOnce(
  store: IdempotencyPort,
  scope: { accountId: number; key: string; hash: string },
  work: () => Promise<StoredResponse>,
  timing: IdempotencyTiming = DEFAULT_IDEMPOTENCY_TIMING,
): Promise<StoredResponse> {
  const deadline = Date.now() + timing.waitMs;
  for (;;) {
    const claim = await store.claim(scope.accountId, scope.key, scope.hash, timing.ttlMs);
    if (claim.kind === 'claimed') return runAsWinner(store, scope, work);
    if (claim.requestHash !== scope.hash) throw new ServiceError(422, 'idempotency_key_reused');
    if (claim.response) return claim.response;
    const settled = await waitForAnswer(store, scope, deadline, timing.pollMs);
    if (settled === 'released') continue; // the winner gave up: try to become the winner ourselves
    if (settled.requestHash !== scope.hash) throw new ServiceError(422, 'idempotency_key_reused');
    return settled.response;
  }
}

async function runAsWinner(
  store: IdempotencyPort,
  scope: { accountId: number; key: string },
  work: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  let response: StoredResponse;
  try {
    response = await work();
  } catch (error) {
    if (error instanceof ServiceError && error.status < 500) {
      // A definite refusal is an answer too: repeating the request must not change it (nor its details, e.g. the
      // balance that made a redeem impossible: ServiceError extras are never secrets).
      response = { status: error.status, body: { problem: error.code, extra: error.extra } };
    } else {
      await store.release(scope.accountId, scope.key);
      throw error;
    }
  }
  await store.complete(scope.accountId, scope.key, response);
  return response;
}

async function waitForAnswer(
  store: IdempotencyPort,
  scope: { accountId: number; key: string },
  deadline: number,
  pollMs: number,
): Promise<{ requestHash: string; response: StoredResponse } | 'released'> {
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const row = await store.lookup(scope.accountId, scope.key);
    if (!row) return 'released';
    if (row.response) return { requestHash: row.requestHash, response: row.response };
  }
  throw new ServiceError(409, 'idempotency_in_progress');
}

/** Turns a stored refusal back into the error the caller would have seen the first time. */
export function replay(response: StoredResponse): unknown {
  const body = response.body as { problem?: unknown; extra?: unknown } | null;
  if (response.status >= 400 && body && typeof body.problem === 'string') {
    const extra = body.extra !== null && typeof body.extra === 'object' ? (body.extra as Record<string, unknown>) : {};
    return new ServiceError(response.status, body.problem as ServiceError['code'], extra);
  }
  return response.body;
}
