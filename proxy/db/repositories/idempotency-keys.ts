import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../schema.js';

/** What a completed key keeps: the request's answer, or the definite refusal it met (a service's code and extras). */
export type StoredAnswer = { kind: 'completed'; body: unknown } | { kind: 'refused'; code: string; extra: Record<string, unknown> };

export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'existing'; requestHash: string; answer: StoredAnswer | null };

/** A refusal's extras as written by `complete` (read back defensively: a bad row must not become someone's answer). */
const refusalExtra = z.record(z.string(), z.unknown());

/**
 * Idempotency-Key records for widget writes (bonus operations, referral signups). The primary key (account, key)
 * decides which of two concurrent requests wins, on SQLite and PostgreSQL alike; the loser sees the winner's
 * request hash and, once completed, its answer. Expired keys are treated as absent. Used by `runOnce`
 * (proxy/services/idempotent-execution.ts).
 */
export class IdempotencyKeysRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
    /**
     * An `in_progress` key older than this belongs to a process that died mid-request: it is taken over so
     * the operation can finish. Safe because the МойСклад write is itself deduplicated by externalCode.
     */
    private readonly staleAfterMs = 120_000,
  ) {}

  async claim(accountId: number, key: string, requestHash: string, ttlMs: number): Promise<IdempotencyClaim> {
    const now = this.now();
    // Expired records of the account are no longer a promise to anyone (this also keeps the table bounded);
    // an abandoned in-progress record of this key would block the insert forever.
    await this.db
      .deleteFrom('idempotency_keys')
      .where('account_id', '=', accountId)
      .where((eb) =>
        eb.or([eb('expires_at', '<', now), eb.and([eb('key', '=', key), eb('state', '=', 'in_progress'), eb('created_at', '<=', now - this.staleAfterMs)])]),
      )
      .execute();
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({ account_id: accountId, key, request_hash: requestHash, state: 'in_progress', refusal_code: null, response_json: null, created_at: now, expires_at: now + ttlMs })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { kind: 'claimed' };
    const existing = await this.lookup(accountId, key);
    // Released by its owner between our insert and read: try again rather than guess.
    if (!existing) return this.claim(accountId, key, requestHash, ttlMs);
    return { kind: 'existing', ...existing };
  }

  async lookup(accountId: number, key: string): Promise<{ requestHash: string; answer: StoredAnswer | null } | null> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'state', 'refusal_code', 'response_json'])
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .where('expires_at', '>=', this.now())
      .executeTakeFirst();
    if (!row) return null;
    if (row.state !== 'completed') return { requestHash: row.request_hash, answer: null };
    const json = row.response_json === null ? null : (JSON.parse(row.response_json) as unknown);
    const answer: StoredAnswer = row.refusal_code === null ? { kind: 'completed', body: json } : { kind: 'refused', code: row.refusal_code, extra: refusalExtra.parse(json ?? {}) };
    return { requestHash: row.request_hash, answer };
  }

  async complete(accountId: number, key: string, answer: StoredAnswer): Promise<void> {
    const stored = answer.kind === 'completed' ? { refusal_code: null, response_json: JSON.stringify(answer.body ?? null) } : { refusal_code: answer.code, response_json: JSON.stringify(answer.extra) };
    await this.db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', ...stored })
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .execute();
  }

  /** Frees an in-progress key after a failure that changed nothing, so the client may retry with it. */
  async release(accountId: number, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', key).where('state', '=', 'in_progress').execute();
  }
}
