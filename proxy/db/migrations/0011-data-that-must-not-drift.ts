import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Facts the sync needs so that amoCRM data stays what МойСклад says (issue 11, «Data that must not drift»):
 * - `purchase_returns`: every retail return of a sale (partial returns come one after another), with its sum, the
 *   lines it took back and the points it moved. The net purchase is derived from them, never decremented:
 *   `purchases.returned_kopecks` (Σ returned sums) and `purchase_items.returned_quantity` (per line, first to last);
 * - `account_sync.group_own_nodes_json`: the GROUP category nodes the sync created, so a node left empty by a renamed
 *   folder can be removed without ever touching the shop's own nodes;
 * - `account_sync.reprice_*`: the progress of a whole-catalog repricing after the price type changed, and the
 *   products that have no price of that type (reported on the status page instead of written as 0).
 * Purchases marked returned before this migration were whole returns: they carry their whole sum and quantities.
 */
export const dataThatMustNotDriftMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('purchase_returns')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('purchase_id', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('moment_ms', 'bigint', (c) => c.notNull())
      .addColumn('sum_kopecks', 'bigint', (c) => c.notNull())
      .addColumn('points_taken_back', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('points_given_back', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lines_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('purchase_returns_pk', ['account_id', 'id'])
      .execute();
    await db.schema.createIndex('purchase_returns_by_purchase').on('purchase_returns').columns(['account_id', 'purchase_id']).execute();

    await db.schema.alterTable('purchases').addColumn('returned_kopecks', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('purchase_items').addColumn('returned_quantity', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
    await sql`update purchases set returned_kopecks = sum_kopecks where returned = 1`.execute(db);
    await sql`update purchase_items set returned_quantity = quantity
              where exists (select 1 from purchases p where p.account_id = purchase_items.account_id and p.id = purchase_items.purchase_id and p.returned = 1)`.execute(db);

    await db.schema.alterTable('account_sync').addColumn('group_own_nodes_json', 'text').execute();
    await db.schema.alterTable('account_sync').addColumn('reprice_state', 'text', (c) => c.check(sql`reprice_state in ('running', 'done', 'failed')`)).execute();
    await db.schema.alterTable('account_sync').addColumn('reprice_price_type_id', 'text').execute();
    await db.schema.alterTable('account_sync').addColumn('reprice_done', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('account_sync').addColumn('reprice_total', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('account_sync').addColumn('reprice_missing_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('account_sync').addColumn('reprice_missing_json', 'text').execute();
    await db.schema.alterTable('account_sync').addColumn('reprice_finished_at', 'bigint').execute();
  },
};
