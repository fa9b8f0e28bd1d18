import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The bonus operations of each buyer, as the customer card lists them: МойСклад bonus transactions made from the
 * widget (written by the bonus service, with the amoCRM user who made them) and those the sync reads (till sales,
 * changes in МойСклад). Read newest first per buyer, hence the index.
 */
export const bonusOperationsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('bonus_operations')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('buyer_moysklad_id', 'text', (c) => c.notNull())
      .addColumn('moment', 'text', (c) => c.notNull())
      .addColumn('moment_ms', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('EARNING', 'SPENDING')`))
      .addColumn('value', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('retail_demand_id', 'text')
      .addColumn('author_amo_user_id', 'bigint')
      .addColumn('author_name', 'text')
      .addColumn('comment', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('bonus_operations_pk', ['account_id', 'id'])
      .execute();
    await db.schema.createIndex('bonus_operations_by_buyer').on('bonus_operations').columns(['account_id', 'buyer_moysklad_id', 'moment_ms', 'id']).execute();
  },
};
