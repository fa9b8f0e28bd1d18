import type { Kysely, Migration } from 'kysely';

/** Shared amoCRM pacing and block state per account (see AmoRateStore). */
export const amoRateMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('amo_rate')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('next_free_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('blocked_since', 'bigint')
      .addColumn('blocked_until', 'bigint')
      .addColumn('blocked_reason', 'text')
      .execute();
  },
};
