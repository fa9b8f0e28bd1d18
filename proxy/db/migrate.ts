import { setTimeout as sleep } from 'node:timers/promises';
import { type DatabaseIntrospector, type Kysely, type Migration, type MigrationResultSet, Migrator, sql, type TableMetadata } from 'kysely';
import type { Dialect } from './database.js';
import { initialMigration } from './migrations/0001-initial.js';
import { amoRateMigration } from './migrations/0002-amo-rate.js';
import { dropRateLimitBucketsMigration } from './migrations/0003-drop-rate-limit-buckets.js';
import { referredBuyersIndexMigration } from './migrations/0004-referred-buyers-index.js';
import { syncStateTablesMigration } from './migrations/0005-sync-state-tables.js';
import { securityHardeningMigration } from './migrations/0006-security-hardening.js';
import { bonusOperationsMigration } from './migrations/0007-bonus-operations.js';
import { jobProblemsMigration } from './migrations/0008-job-problems.js';
import { realtimeStateMigration } from './migrations/0009-realtime-state.js';
import { dataThatMustNotDriftMigration } from './migrations/0011-data-that-must-not-drift.js';
import { idempotentRefusalsMigration } from './migrations/0012-idempotent-refusals.js';
import type { Database } from './schema.js';

/**
 * All migrations, in order, provided in code (no directory scanning, so the compiled dist/proxy works
 * wherever it is copied). Add new ones at the end with a sortable name; never edit an applied one.
 */
function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-amo-rate': amoRateMigration,
    '0003-drop-rate-limit-buckets': dropRateLimitBucketsMigration,
    '0004-referred-buyers-index': referredBuyersIndexMigration,
    '0005-sync-state-tables': syncStateTablesMigration(dialect),
    '0006-security-hardening': securityHardeningMigration,
    '0007-bonus-operations': bonusOperationsMigration,
    '0008-job-problems': jobProblemsMigration,
    '0009-realtime-state': realtimeStateMigration,
    '0011-data-that-must-not-drift': dataThatMustNotDriftMigration,
    '0012-idempotent-refusals': idempotentRefusalsMigration,
  };
}

/**
 * On PostgreSQL the bookkeeping tables are pinned to the connection's current schema: Kysely otherwise looks
 * for `kysely_migration` in *every* schema, so a database holding several schemas (parallel test runs, or
 * deployments sharing one database) would make it skip creating its own table and then fail to read it.
 */
async function migratorFor(db: Kysely<Database>, dialect: Dialect): Promise<Migrator> {
  const provider = { getMigrations: async () => migrationsFor(dialect) };
  if (dialect !== 'postgres') return new Migrator({ db, provider });
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL has no current schema: check search_path');
  return new Migrator({ db: withCurrentSchemaIntrospection(db, schema), provider, migrationTableSchema: schema });
}

/**
 * The Migrator asks "does `kysely_migration` exist?" through `db.introspection.getTables()`, which on PostgreSQL reads
 * every column of every schema and resolves each schema by name (`has_schema_privilege`, `pg_get_serial_sequence`).
 * A schema dropped meanwhile by someone else (another test run's database, another tenant) makes that query fail with
 * 3F000 "schema … does not exist" — seen in CI. The Migrator needs only table names of its own schema, so it gets an
 * introspector that lists those from information_schema; everything else is the same Kysely instance.
 */
function withCurrentSchemaIntrospection(db: Kysely<Database>, schema: string): Kysely<Database> {
  const introspection: DatabaseIntrospector = {
    async getSchemas() {
      return [{ name: schema }];
    },
    async getTables() {
      const { rows } = await sql<{ name: string; type: string }>`
        select table_name as name, table_type as type from information_schema.tables where table_schema = ${schema}`.execute(db);
      return rows.map((row): TableMetadata => ({ name: row.name, schema, isView: row.type === 'VIEW', columns: [] }));
    },
    async getMetadata() {
      return { tables: await this.getTables() };
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

class MigrationError extends Error {
  constructor(migrationName: string | undefined, cause: unknown) {
    super(`database migration ${migrationName ?? '(unknown)'} failed`, { cause });
    this.name = 'MigrationError';
  }
}

/** Applies every pending migration; safe to run on every boot and from several processes (Kysely locks). */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<MigrationResultSet> {
  const run = async (executor: Kysely<Database>) => {
    const resultSet = await (await migratorFor(executor, dialect)).migrateToLatest();
    if (resultSet.error) {
      const failed = resultSet.results?.find((r) => r.status === 'Error');
      // Throwing (rather than returning the error) also rolls back the SQLite transaction below.
      throw new MigrationError(failed?.migrationName, resultSet.error);
    }
    return resultSet;
  };
  return dialect === 'sqlite' ? withSqliteWriteLock(db, run) : run(db);
}

/** Applies migrations up to and including `name` (tests of a migration's data carry-over). */
export async function migrateTo(db: Kysely<Database>, dialect: Dialect, name: string): Promise<void> {
  const resultSet = await (await migratorFor(db, dialect)).migrateTo(name);
  if (resultSet.error) throw new MigrationError(name, resultSet.error);
}

/** Names of migrations not yet applied (empty when the schema is current); used by /readyz. */
export async function pendingMigrations(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const migrations = await (await migratorFor(db, dialect)).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

const SQLITE_LOCK_WAIT_MS = 30_000;

/**
 * Kysely takes a real lock for PostgreSQL migrations but none for SQLite (it assumes one connection), so two
 * processes booting on one file would both try to create the tables. We hold SQLite's write lock for the whole
 * run with BEGIN IMMEDIATE (DDL is transactional in SQLite). The lock is polled with busy_timeout = 0 rather
 * than waited on, because better-sqlite3's busy wait is synchronous and would freeze this process's event loop
 * — including a second connection in the same process that holds the lock and needs the loop to finish.
 */
async function withSqliteWriteLock<T>(db: Kysely<Database>, work: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`pragma busy_timeout = 0`.execute(conn);
    try {
      const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
      for (;;) {
        try {
          await sql`begin immediate`.execute(conn);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
          await sleep(25);
        }
      }
    } finally {
      await sql`pragma busy_timeout = 5000`.execute(conn);
    }
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}
