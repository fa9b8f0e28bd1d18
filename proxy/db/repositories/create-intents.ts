import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * "An amoCRM create for this key may have been sent." amoCRM cannot delete customers or notes through its API, so a
 * create must never be repeated blindly: the row is written before the request and removed once the link row that
 * records the answer exists. A retry that finds a row searches amoCRM for the earlier attempt's entity first; without
 * one, nothing was sent and the (paged) search is skipped.
 */
export class CreateIntentsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async has(accountId: number, key: string): Promise<boolean> {
    const row = await this.db.selectFrom('create_intents').select('intent_key').where('account_id', '=', accountId).where('intent_key', '=', key).executeTakeFirst();
    return row !== undefined;
  }

  /** The subset of `keys` that have an intent. */
  async existing(accountId: number, keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db
        .selectFrom('create_intents')
        .select('intent_key')
        .where('account_id', '=', accountId)
        .where('intent_key', 'in', keys.slice(i, i + 500))
        .execute();
      for (const row of rows) found.add(row.intent_key);
    }
    return found;
  }

  async record(accountId: number, keys: readonly string[]): Promise<void> {
    const now = this.now();
    for (let i = 0; i < keys.length; i += 500) {
      await this.db
        .insertInto('create_intents')
        .values(keys.slice(i, i + 500).map((key) => ({ account_id: accountId, intent_key: key, created_at: now })))
        .onConflict((oc) => oc.columns(['account_id', 'intent_key']).doNothing())
        .execute();
    }
  }

  async clear(accountId: number, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      await this.db.deleteFrom('create_intents').where('account_id', '=', accountId).where('intent_key', 'in', keys.slice(i, i + 500)).execute();
    }
  }
}
