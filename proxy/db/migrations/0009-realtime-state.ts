import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Issue 11, "real-time must heal itself, and the status must tell the truth":
 * - `account_sync.connect_requested_at`: when something changed the connection (МойСклад connected again, the widget
 *   reinstalled). Connect runs again whenever it is later than `connected_at`, so a reconnect re-registers the
 *   webhooks under the new URL instead of finding the account "already connected".
 * - `account_sync.webhooks_checked_at`: when our МойСклад webhooks were last verified (connect or reconciliation).
 * - `account_sync.last_event_at`: when a МойСклад webhook last reached us for the account.
 * - `sync_realtime`: per МойСклад entity type, how its changes reach us — how many of our webhooks exist of how many
 *   we want, how many the last check had to restore, and, when the type is polled instead, why (`poll_reason`) and
 *   how often (`poll_interval_ms`) and when it is polled next (`next_poll_at`, claimed by one process at a time).
 * SQLite adds one column per ALTER TABLE, hence one statement each.
 */
export const realtimeStateMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('account_sync').addColumn('connect_requested_at', 'bigint').execute();
    await db.schema.alterTable('account_sync').addColumn('webhooks_checked_at', 'bigint').execute();
    await db.schema.alterTable('account_sync').addColumn('last_event_at', 'bigint').execute();
    await db.schema
      .createTable('sync_realtime')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('webhooks_expected', 'integer', (c) => c.notNull())
      .addColumn('webhooks_present', 'integer', (c) => c.notNull())
      .addColumn('webhooks_restored', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('poll_reason', 'text', (c) => c.check(sql`poll_reason in ('tariff', 'no_rights', 'limit', 'failing')`))
      .addColumn('poll_interval_ms', 'integer')
      .addColumn('next_poll_at', 'bigint')
      .addColumn('checked_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_realtime_pk', ['account_id', 'entity_type'])
      .execute();
    // The poller asks "which turns are due" several times a second across all accounts.
    await db.schema.createIndex('sync_realtime_next_poll').on('sync_realtime').column('next_poll_at').execute();
  },
};
