import type { Kysely, Migration } from 'kysely';

/**
 * Issue 12 (hardening):
 * - `accounts.amo_webhook_secret_enc`: a secret of its own for amoCRM's webhook URL; `webhook_secret_enc` stays the
 *   МойСклад one (until now the one string both services' URLs carried). Null for accounts created before this
 *   migration: the proxy generates it on first use, so their amoCRM webhook is refused until it is re-subscribed
 *   (the catalog sweep finds deletions meanwhile).
 * - `accounts.revoked_at` / `personal_data_purged_at`: when a confirmed revoke happened, and when the account's
 *   personal data was purged after it (PERSONAL_DATA_GRACE_HOURS).
 * - `daily_counters`: per-day amounts that several processes must cap together (manual accruals per user, sign-ups per
 *   referrer), raised with a conditional UPDATE so two concurrent requests cannot both pass the cap.
 * - `referral_notes`: the amoCRM note for a buyer the referral page created, held until the sync has made the buyer's
 *   amoCRM customer (its id is unknown at sign-up); the widget module's sweep then queues the note job.
 * SQLite adds one column per ALTER TABLE, hence one statement each.
 */
export const securityHardeningMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('accounts').addColumn('amo_webhook_secret_enc', 'text').execute();
    await db.schema.alterTable('accounts').addColumn('revoked_at', 'bigint').execute();
    await db.schema.alterTable('accounts').addColumn('personal_data_purged_at', 'bigint').execute();
    await db.schema
      .createTable('daily_counters')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('daily_counters_pk', ['account_id', 'subject', 'day'])
      .execute();
    await db.schema
      .createTable('referral_notes')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('moysklad_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('referral_notes_pk', ['account_id', 'moysklad_id', 'kind'])
      .execute();
  },
};
