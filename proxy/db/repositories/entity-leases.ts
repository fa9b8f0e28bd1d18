import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Short, expiring leases on keys of an account (a buyer), shared by all processes through the database. A job holds
 * the lease of a buyer while it reads that buyer from МойСклад and writes its amoCRM entities, so two jobs (a till
 * sale's three webhooks, a webhook and the import) never create the same customer twice or write an older balance
 * after a newer one. A lease of a dead process expires on its own.
 */
export class EntityLeasesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes every free (or expired, or already ours) lease among `keys` in one statement per chunk and returns the
   * keys now held by `owner`. Keys held by someone else are left out.
   */
  async acquire(accountId: number, keys: readonly string[], owner: string, ttlMs: number): Promise<Set<string>> {
    const now = this.now();
    const held = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db
        .insertInto('entity_leases')
        .values(keys.slice(i, i + 500).map((key) => ({ account_id: accountId, lease_key: key, owner, expires_at: now + ttlMs })))
        .onConflict((oc) =>
          oc
            .columns(['account_id', 'lease_key'])
            .doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), expires_at: eb.ref('excluded.expires_at') }))
            .where((eb) => eb.or([eb('entity_leases.expires_at', '<', now), eb('entity_leases.owner', '=', owner)])),
        )
        .returning('lease_key')
        .execute();
      for (const row of rows) held.add(row.lease_key);
    }
    return held;
  }

  async release(accountId: number, keys: readonly string[], owner: string): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      await this.db.deleteFrom('entity_leases').where('account_id', '=', accountId).where('owner', '=', owner).where('lease_key', 'in', keys.slice(i, i + 500)).execute();
    }
  }

  /** Housekeeping: expired leases of dead processes (acquire ignores them anyway). */
  async pruneExpired(): Promise<number> {
    const result = await this.db.deleteFrom('entity_leases').where('expires_at', '<', this.now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
