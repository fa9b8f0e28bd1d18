import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Operation-log kinds that are kept after a purge: when the account was installed, revoked and purged (no person in
 * them). Everything else may name a buyer, carry a manager's comment or a МойСклад login.
 */
const KEPT_LOG_KINDS = ['amocrm.installed', 'amocrm.revoked', 'personal_data.purged'];

/**
 * Deletes what an uninstalled account kept about people: buyers (names, phones, e-mails), purchases and their items,
 * the operation log (comments, names, the МойСклад login), waiting jobs and referral notes (note texts), idempotency
 * keys (a referral key holds a phone number), daily counters, and the sync's state of the account (`account_sync`,
 * `sync_streams`, `sync_realtime`: a reinstall then connects and imports afresh instead of trusting a read model that is gone). Links
 * (id ↔ id, no person) stay, so a reinstall finds the amoCRM customers it made. One transaction, and only while the
 * account is still revoked.
 */
export class PersonalDataRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async dueForPurge(revokedBefore: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('status', '=', 'revoked')
      .where('revoked_at', '<=', revokedBefore)
      .where('personal_data_purged_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((row) => Number(row.id));
  }

  async purge(accountId: number): Promise<{ purged: boolean; buyers: number; purchases: number }> {
    return this.db.transaction().execute(async (trx) => {
      const now = this.now();
      const marked = await trx
        .updateTable('accounts')
        .set({ personal_data_purged_at: now, moysklad_login: null, moysklad_account_id: null, updated_at: now })
        .where('id', '=', accountId)
        .where('status', '=', 'revoked')
        .executeTakeFirst();
      if (marked.numUpdatedRows === 0n) return { purged: false, buyers: 0, purchases: 0 };
      await trx.deleteFrom('purchase_items').where('account_id', '=', accountId).execute();
      const purchases = await trx.deleteFrom('purchases').where('account_id', '=', accountId).executeTakeFirst();
      const buyers = await trx.deleteFrom('buyers').where('account_id', '=', accountId).executeTakeFirst();
      await trx.deleteFrom('operation_log').where('account_id', '=', accountId).where('kind', 'not in', KEPT_LOG_KINDS).execute();
      await trx.deleteFrom('jobs').where('account_id', '=', accountId).where('state', '!=', 'running').execute();
      await trx.deleteFrom('idempotency_keys').where('account_id', '=', accountId).execute();
      await trx.deleteFrom('daily_counters').where('account_id', '=', accountId).execute();
      await trx.deleteFrom('referral_notes').where('account_id', '=', accountId).execute();
      await trx.deleteFrom('sync_streams').where('account_id', '=', accountId).execute();
      await trx.deleteFrom('account_sync').where('account_id', '=', accountId).execute();
      await trx.deleteFrom('sync_realtime').where('account_id', '=', accountId).execute();
      return { purged: true, buyers: Number(buyers.numDeletedRows), purchases: Number(purchases.numDeletedRows) };
    });
  }
}
