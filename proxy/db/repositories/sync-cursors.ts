import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * One opaque cursor per (account, stream), Airbyte-style. Save it with the same transaction (`executor`) that
 * commits the writes it covers, so a crash can only replay work, never skip it.
 */
export class SyncCursorsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(accountId: number, stream: string, executor: Kysely<Database> = this.db): Promise<string | null> {
    const row = await executor.selectFrom('sync_cursors').select('cursor').where('account_id', '=', accountId).where('stream', '=', stream).executeTakeFirst();
    return row?.cursor ?? null;
  }

  async save(accountId: number, stream: string, cursor: string, executor: Kysely<Database> = this.db): Promise<void> {
    const now = this.now();
    await executor
      .insertInto('sync_cursors')
      .values({ account_id: accountId, stream, cursor, updated_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'stream']).doUpdateSet({ cursor, updated_at: now }))
      .execute();
  }

  /** Every stream of an account with when it last advanced (epoch ms), for the sync status page. */
  async list(accountId: number): Promise<{ stream: string; cursor: string; updatedAt: number }[]> {
    const rows = await this.db.selectFrom('sync_cursors').selectAll().where('account_id', '=', accountId).orderBy('stream').execute();
    return rows.map((r) => ({ stream: r.stream, cursor: r.cursor, updatedAt: Number(r.updated_at) }));
  }

  async reset(accountId: number, stream: string): Promise<void> {
    await this.db.deleteFrom('sync_cursors').where('account_id', '=', accountId).where('stream', '=', stream).execute();
  }
}
