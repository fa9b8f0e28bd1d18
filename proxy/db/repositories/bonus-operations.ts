import { type Kysely, sql } from 'kysely';
import { decodePageCursor, encodePageCursor } from '../page-cursor.js';
import type { Database } from '../schema.js';

export type BonusOperationType = 'EARNING' | 'SPENDING';

/** One МойСклад bonus transaction of a buyer, as the read model keeps it. */
export interface BonusOperationRow {
  /** МойСклад bonustransaction id. */
  id: string;
  buyerMoyskladId: string;
  /** When it happened, as epoch ms (ordering, cursors)… */
  momentMs: number;
  /** …and as ISO-8601 with the Moscow offset (`toMoscowIso` of proxy/moysklad/moscow-time.ts): what the card shows. */
  moment: string;
  type: BonusOperationType;
  /** Points (МойСклад `bonusValue`), a positive integer. */
  value: number;
  /** МойСклад `transactionStatus`: WAIT_PROCESSING, COMPLETED or CANCELED. */
  status: string;
  /** The sale it belongs to (МойСклад `parentDocument`, a retaildemand id), or null. */
  retailDemandId: string | null;
  /**
   * The amoCRM user who made it from the widget (`name` null when amoCRM could not tell it then); null when it came
   * from the till or МойСклад itself.
   */
  author: { amoUserId: number; name: string | null } | null;
  comment: string | null;
}

/** A listed operation, with the number of the sale it belongs to when the read model has that sale. */
export interface BonusOperationListItem extends BonusOperationRow {
  purchaseNumber: string | null;
}

export interface BonusOperationPage {
  items: BonusOperationListItem[];
  nextCursor: string | null;
}

/** Rows per INSERT: 13 parameters each stays far below SQLite's and PostgreSQL's parameter limits. */
const UPSERT_CHUNK = 200;

/**
 * The bonus operations read model (table `bonus_operations`). Two writers meet here: the widget's bonus service,
 * which knows who made an operation and the comment they typed, and the sync, which reads every transaction from
 * МойСклад (till sales, changes made in МойСклад, and our own writes coming back). An upsert therefore never lets
 * the sync's view erase what only the widget knew: a known author stays, and so does the comment written with it
 * (the sync would otherwise replace it with the МойСклад description we generated around it).
 */
export class BonusOperationsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async upsertBonusOperations(accountId: number, rows: readonly BonusOperationRow[], executor: Kysely<Database> = this.db): Promise<void> {
    const updatedAt = this.now();
    for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
      const values = rows.slice(start, start + UPSERT_CHUNK).map((row) => {
        if (!Number.isSafeInteger(row.value) || row.value <= 0) throw new RangeError(`bonus operation ${row.id}: value must be a positive integer`);
        return {
          account_id: accountId,
          id: row.id,
          buyer_moysklad_id: row.buyerMoyskladId,
          moment: row.moment,
          moment_ms: row.momentMs,
          type: row.type,
          value: row.value,
          status: row.status,
          retail_demand_id: row.retailDemandId,
          author_amo_user_id: row.author?.amoUserId ?? null,
          author_name: row.author?.name ?? null,
          comment: row.comment,
          updated_at: updatedAt,
        };
      });
      await executor
        .insertInto('bonus_operations')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['account_id', 'id']).doUpdateSet({
            buyer_moysklad_id: (eb) => eb.ref('excluded.buyer_moysklad_id'),
            moment: (eb) => eb.ref('excluded.moment'),
            moment_ms: (eb) => eb.ref('excluded.moment_ms'),
            type: (eb) => eb.ref('excluded.type'),
            value: (eb) => eb.ref('excluded.value'),
            status: (eb) => eb.ref('excluded.status'),
            retail_demand_id: sql<string | null>`coalesce(excluded.retail_demand_id, bonus_operations.retail_demand_id)`,
            author_amo_user_id: sql<number | null>`coalesce(excluded.author_amo_user_id, bonus_operations.author_amo_user_id)`,
            author_name: sql<string | null>`coalesce(excluded.author_name, bonus_operations.author_name)`,
            comment: sql<string | null>`case when excluded.author_amo_user_id is null and bonus_operations.author_amo_user_id is not null
              then bonus_operations.comment else excluded.comment end`,
            updated_at: (eb) => eb.ref('excluded.updated_at'),
          }),
        )
        .execute();
    }
  }

  /** The buyer of a known operation (null: not in the read model yet). */
  async buyerOf(accountId: number, id: string): Promise<string | null> {
    const row = await this.db.selectFrom('bonus_operations').select('buyer_moysklad_id').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row?.buyer_moysklad_id ?? null;
  }

  /** A buyer's operations, newest first; `cursor` is the `nextCursor` of the previous page (null: the first page). */
  async listBonusOperations(accountId: number, buyerMoyskladId: string, page: { cursor: string | null; limit: number }): Promise<BonusOperationPage> {
    // A cursor that does not decode reads as "from the start", as for purchases: only an old client can send one.
    const after = page.cursor ? decodePageCursor(page.cursor) : null;
    let query = this.db
      .selectFrom('bonus_operations as o')
      .leftJoin('purchases as p', (join) => join.onRef('p.account_id', '=', 'o.account_id').onRef('p.id', '=', 'o.retail_demand_id'))
      .selectAll('o')
      .select('p.number as purchase_number')
      .where('o.account_id', '=', accountId)
      .where('o.buyer_moysklad_id', '=', buyerMoyskladId);
    if (after) {
      const [momentMs, id] = after;
      query = query.where((eb) => eb.or([eb('o.moment_ms', '<', momentMs), eb.and([eb('o.moment_ms', '=', momentMs), eb('o.id', '<', id)])]));
    }
    const rows = await query.orderBy('o.moment_ms', 'desc').orderBy('o.id', 'desc').limit(page.limit + 1).execute();
    const items = rows.slice(0, page.limit).map(
      (row): BonusOperationListItem => ({
        id: row.id,
        buyerMoyskladId: row.buyer_moysklad_id,
        momentMs: Number(row.moment_ms),
        moment: row.moment,
        type: row.type,
        value: Number(row.value),
        status: row.status,
        retailDemandId: row.retail_demand_id,
        author: row.author_amo_user_id === null ? null : { amoUserId: Number(row.author_amo_user_id), name: row.author_name },
        comment: row.comment,
        purchaseNumber: row.purchase_number ?? null,
      }),
    );
    const last = items.at(-1);
    return { items, nextCursor: rows.length > page.limit && last ? encodePageCursor(last.momentMs, last.id) : null };
  }
}
