import type { Kysely } from 'kysely';
import type { Database, LinkKind } from '../schema.js';

export type { LinkKind };

/**
 * The identity map between МойСклад ids (uuid strings) and amoCRM ids (integers), one-to-one per kind and
 * account. A link is written in the transaction that creates the amoCRM entity's local record, so a retried
 * job finds it and updates instead of creating a duplicate.
 */
export class LinksRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Links (or re-links) a МойСклад entity to an amoCRM entity. Throws on a unique violation when the amoCRM id
   * is already linked to a different МойСклад entity of the same kind: that is a data conflict to surface.
   */
  async link(accountId: number, kind: LinkKind, moyskladId: string, amoId: number, executor: Kysely<Database> = this.db): Promise<void> {
    const now = this.now();
    await executor
      .insertInto('links')
      .values({ account_id: accountId, kind, moysklad_id: moyskladId, amo_id: amoId, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'kind', 'moysklad_id']).doUpdateSet({ amo_id: amoId, updated_at: now }))
      .execute();
  }

  async amoIdFor(accountId: number, kind: LinkKind, moyskladId: string, executor: Kysely<Database> = this.db): Promise<number | null> {
    const row = await executor
      .selectFrom('links')
      .select('amo_id')
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('moysklad_id', '=', moyskladId)
      .executeTakeFirst();
    return row ? Number(row.amo_id) : null;
  }

  async moyskladIdFor(accountId: number, kind: LinkKind, amoId: number, executor: Kysely<Database> = this.db): Promise<string | null> {
    const row = await executor
      .selectFrom('links')
      .select('moysklad_id')
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('amo_id', '=', amoId)
      .executeTakeFirst();
    return row?.moysklad_id ?? null;
  }

  /** Forgets a link (the entity was deleted on either side). Returns whether one existed. */
  async unlinkByMoyskladId(accountId: number, kind: LinkKind, moyskladId: string, executor: Kysely<Database> = this.db): Promise<boolean> {
    const result = await executor
      .deleteFrom('links')
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('moysklad_id', '=', moyskladId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
