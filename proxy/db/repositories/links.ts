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
    await this.linkMany(accountId, kind, [{ moyskladId, amoId }], executor);
  }

  /**
   * Links many at once (one statement per 500 rows). `writtenHash`: the digest of what was just written to amoCRM
   * for the entity (see `writtenHashes`); a re-link of another amoCRM id without one clears the old digest.
   */
  async linkMany(accountId: number, kind: LinkKind, rows: readonly { moyskladId: string; amoId: number; writtenHash?: string | null }[], executor: Kysely<Database> = this.db): Promise<void> {
    const now = this.now();
    for (let i = 0; i < rows.length; i += 500) {
      await executor
        .insertInto('links')
        .values(
          rows.slice(i, i + 500).map((row) => ({
            account_id: accountId,
            kind,
            moysklad_id: row.moyskladId,
            amo_id: row.amoId,
            written_hash: row.writtenHash ?? null,
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['account_id', 'kind', 'moysklad_id']).doUpdateSet((eb) => ({
            amo_id: eb.ref('excluded.amo_id'),
            // Same amoCRM entity: keep the digest unless a new one is given; another entity: the new digest or none.
            written_hash: eb
              .case()
              .when(eb.ref('excluded.written_hash'), 'is not', null)
              .then(eb.ref('excluded.written_hash'))
              .when('links.amo_id', '=', eb.ref('excluded.amo_id'))
              .then(eb.ref('links.written_hash'))
              .else(null)
              .end(),
            updated_at: now,
          })),
        )
        .execute();
    }
  }

  /** Links of `moyskladIds` (one query per 500): МойСклад id → amoCRM id and the digest last written. */
  async lookup(accountId: number, kind: LinkKind, moyskladIds: readonly string[], executor: Kysely<Database> = this.db): Promise<Map<string, { amoId: number; writtenHash: string | null }>> {
    const found = new Map<string, { amoId: number; writtenHash: string | null }>();
    const unique = [...new Set(moyskladIds)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await executor
        .selectFrom('links')
        .select(['moysklad_id', 'amo_id', 'written_hash'])
        .where('account_id', '=', accountId)
        .where('kind', '=', kind)
        .where('moysklad_id', 'in', unique.slice(i, i + 500))
        .execute();
      for (const row of rows) found.set(row.moysklad_id, { amoId: Number(row.amo_id), writtenHash: row.written_hash });
    }
    return found;
  }

  /** МойСклад ids of the given amoCRM ids of one kind. */
  async lookupByAmoId(accountId: number, kind: LinkKind, amoIds: readonly number[], executor: Kysely<Database> = this.db): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    const unique = [...new Set(amoIds)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await executor
        .selectFrom('links')
        .select(['moysklad_id', 'amo_id'])
        .where('account_id', '=', accountId)
        .where('kind', '=', kind)
        .where('amo_id', 'in', unique.slice(i, i + 500))
        .execute();
      for (const row of rows) found.set(Number(row.amo_id), row.moysklad_id);
    }
    return found;
  }

  /** Records the digest of what was just written to amoCRM for linked entities. */
  async setWrittenHashes(accountId: number, kind: LinkKind, rows: readonly { moyskladId: string; writtenHash: string | null }[], executor: Kysely<Database> = this.db): Promise<void> {
    const now = this.now();
    for (const row of rows) {
      await executor
        .updateTable('links')
        .set({ written_hash: row.writtenHash, updated_at: now })
        .where('account_id', '=', accountId)
        .where('kind', '=', kind)
        .where('moysklad_id', '=', row.moyskladId)
        .execute();
    }
  }

  /** Every link of one kind (the catalog sweep compares them with amoCRM's listing). */
  async listKind(accountId: number, kind: LinkKind, executor: Kysely<Database> = this.db): Promise<{ moyskladId: string; amoId: number }[]> {
    const rows = await executor.selectFrom('links').select(['moysklad_id', 'amo_id']).where('account_id', '=', accountId).where('kind', '=', kind).execute();
    return rows.map((row) => ({ moyskladId: row.moysklad_id, amoId: Number(row.amo_id) }));
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
