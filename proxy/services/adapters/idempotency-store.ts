import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import type { IdempotencyClaim, IdempotencyPort, StoredResponse } from '../ports.js';

const storedBody = z.unknown();

/**
 * Idempotency keys in the `idempotency_keys` table. The primary key (account_id, key) is what makes
 * concurrent requests safe: exactly one INSERT succeeds, on SQLite and PostgreSQL alike.
 */
export class KyselyIdempotencyStore implements IdempotencyPort {
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
    // An expired key is forgotten, so it can be used again; so is an abandoned in-progress one.
    await this.db
      .deleteFrom('idempotency_keys')
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb.and([eb('state', '=', 'in_progress'), eb('created_at', '<=', now - this.staleAfterMs)])]))
      .execute();
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({ account_id: accountId, key, request_hash: requestHash, state: 'in_progress', status_code: null, response_json: null, created_at: now, expires_at: now + ttlMs })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { kind: 'claimed' };
    const existing = await this.lookup(accountId, key);
    // Vanished between the two statements (released by its owner): report "in progress", the caller polls and re-claims.
    if (!existing) return { kind: 'existing', requestHash, response: null };
    return { kind: 'existing', requestHash: existing.requestHash, response: existing.response };
  }

  async lookup(accountId: number, key: string): Promise<{ requestHash: string; response: StoredResponse | null } | null> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'state', 'status_code', 'response_json'])
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return null;
    const response =
      row.state === 'completed' && row.status_code !== null && row.response_json !== null
        ? { status: Number(row.status_code), body: storedBody.parse(JSON.parse(row.response_json)) }
        : null;
    return { requestHash: row.request_hash, response };
  }

  async complete(accountId: number, key: string, response: StoredResponse): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', status_code: response.status, response_json: JSON.stringify(response.body ?? null) })
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .execute();
  }

  async release(accountId: number, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', key).where('state', '=', 'in_progress').execute();
  }
}
