import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The initial schema, written once with Kysely's schema builder so the same migration runs on SQLite and
 * PostgreSQL. The only dialect difference is how an auto-incrementing id is declared.
 */
export function initialMigration(dialect: Dialect): Migration {
  // SQLite only aliases the rowid for exactly "integer primary key"; PostgreSQL needs bigserial.
  const serialType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const serialOptions = dialect === 'postgres' ? undefined : { autoIncrement: true };

  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('subdomain', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'revoked')`))
        .addColumn('needs_reinstall', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('needs_reauth', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('amo_access_token_enc', 'text')
        .addColumn('amo_refresh_token_enc', 'text')
        .addColumn('amo_token_expires_at', 'bigint')
        .addColumn('amo_refresh_lock_owner', 'text')
        .addColumn('amo_refresh_lock_until', 'bigint')
        .addColumn('moysklad_token_enc', 'text')
        .addColumn('moysklad_login', 'text')
        .addColumn('moysklad_account_id', 'text')
        .addColumn('settings_json', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('webhook_secret_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('accounts_subdomain').on('accounts').column('subdomain').execute();

      await db.schema
        .createTable('links')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('moysklad_id', 'text', (c) => c.notNull())
        .addColumn('amo_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('links_pk', ['account_id', 'kind', 'moysklad_id'])
        .addUniqueConstraint('links_amo_unique', ['account_id', 'kind', 'amo_id'])
        .execute();

      await db.schema
        .createTable('buyers')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('moysklad_id', 'text', (c) => c.notNull())
        .addColumn('amo_customer_id', 'bigint')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('bonus_card', 'text')
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('purchase_total_kopecks', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('purchase_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('referral_code', 'text', (c) => c.unique())
        .addColumn('referrer_moysklad_id', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('buyers_pk', ['account_id', 'moysklad_id'])
        .execute();
      await db.schema.createIndex('buyers_amo_customer').on('buyers').columns(['account_id', 'amo_customer_id']).execute();

      await db.schema
        .createTable('purchases')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('buyer_moysklad_id', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('moment', 'text', (c) => c.notNull())
        .addColumn('moment_ms', 'bigint', (c) => c.notNull())
        .addColumn('sum_kopecks', 'bigint', (c) => c.notNull())
        .addColumn('points_earned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('points_spent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('returned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('purchases_pk', ['account_id', 'id'])
        .execute();
      await db.schema
        .createIndex('purchases_by_buyer')
        .on('purchases')
        .columns(['account_id', 'buyer_moysklad_id', 'moment_ms', 'id'])
        .execute();

      await db.schema
        .createTable('purchase_items')
        .addColumn('account_id', 'bigint', (c) => c.notNull())
        .addColumn('purchase_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('quantity', 'double precision', (c) => c.notNull())
        .addColumn('price_kopecks', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('purchase_items_pk', ['account_id', 'purchase_id', 'position'])
        .addForeignKeyConstraint('purchase_items_purchase_fk', ['account_id', 'purchase_id'], 'purchases', ['account_id', 'id'], (fk) => fk.onDelete('cascade'))
        .execute();

      await db.schema
        .createTable('sync_cursors')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('stream', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_cursors_pk', ['account_id', 'stream'])
        .execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', serialType, (c) => (serialOptions ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('kind', 'text', (c) => c.notNull())
        // No foreign key: jobs of a deleted account simply fail, and enqueueing never waits on the accounts table.
        .addColumn('account_id', 'bigint')
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('job_key', 'text')
        .addColumn('ordering_key', 'text')
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('available', 'running', 'completed', 'failed')`))
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // job_key dedupes only jobs that have not started: a change arriving while a job runs must queue a new run.
      await db.schema.createIndex('jobs_job_key_pending').on('jobs').column('job_key').unique().where(sql<boolean>`state = 'available'`).execute();
      await db.schema.createIndex('jobs_claimable').on('jobs').columns(['state', 'run_at', 'id']).execute();
      await db.schema.createIndex('jobs_ordering').on('jobs').columns(['ordering_key', 'id']).where(sql<boolean>`ordering_key is not null`).execute();
      await db.schema.createIndex('jobs_by_account').on('jobs').columns(['account_id', 'state']).execute();

      await db.schema
        .createTable('seen_events')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('account_id', 'bigint', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('seen_events_pk', ['source', 'account_id', 'event_id'])
        .execute();
      await db.schema.createIndex('seen_events_expiry').on('seen_events').column('expires_at').execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in_progress', 'completed')`))
        .addColumn('status_code', 'integer')
        .addColumn('response_json', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
        .execute();

      await db.schema
        .createTable('operation_log')
        .addColumn('id', serialType, (c) => (serialOptions ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('user_id', 'bigint')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('operation_log_by_account').on('operation_log').columns(['account_id', 'at']).execute();

      await db.schema
        .createTable('rate_limit_buckets')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('tokens', 'double precision', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
