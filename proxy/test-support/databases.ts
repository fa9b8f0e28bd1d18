import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

/**
 * Real databases for tests, so every storage test runs on both SQLite and PostgreSQL (no SQL mocks).
 *
 *   describeEachDatabase('links repository', (kind) => {
 *     const database = useTestDatabase(kind);          // empty, migrated database in each test
 *     it('…', async () => { const { db } = database(); … });
 *   });
 *
 * SQLite: a file in a fresh temp directory. PostgreSQL: a fresh random schema in the `test` database at
 * PG_TEST_URL (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards, so parallel test
 * files never see each other's rows.
 */
export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

// .ci/run exports PG_TEST_URL; the default matches the local machine (trust auth).
const POSTGRES_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends DatabaseHandle {
  kind: DatabaseKind;
  /** A DATABASE_URL for the same database (file:… or postgres://…?schema=…), e.g. for a child process. */
  url: string;
  /** Opens one more independent connection (pool) to the same database; closed by dispose(). */
  connectAgain(): DatabaseHandle;
  /** Closes the connections opened with connectAgain(), keeping the main one. */
  closeExtraConnections(): Promise<void>;
  /** Closes every connection and deletes the file / drops the schema. */
  dispose(): Promise<void>;
}

export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const { url, destroy } = kind === 'sqlite' ? createSqliteFile() : await createPostgresSchema();
  const extra: DatabaseHandle[] = [];
  const main = openDatabase(url, { poolSize: 4 });
  const connect = () => {
    const handle = openDatabase(url, { poolSize: 4 });
    extra.push(handle);
    return handle;
  };
  if (options.migrate !== false) await migrateToLatest(main.db, main.dialect);
  return {
    ...main,
    kind,
    url,
    connectAgain: connect,
    async closeExtraConnections() {
      await Promise.all(extra.splice(0).map((h) => h.close()));
    },
    async dispose() {
      await Promise.all([main, ...extra.splice(0)].map((h) => h.close()));
      await destroy();
    },
  };
}

/**
 * Gives each test an empty, migrated database; call the returned getter inside tests. The database is created
 * and migrated once per `describe` block and wiped (every table emptied, ids reset) before each test, which is
 * much faster than migrating per test. With `{ migrate: false }` every test gets a brand-new, unmigrated one.
 * Extra connections from `connectAgain()` are closed after each test.
 */
export function useTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): () => TestDatabase {
  let current: TestDatabase | undefined;
  const perTest = options.migrate === false;
  if (!perTest) {
    beforeAll(async () => {
      current = await createTestDatabase(kind);
    });
    afterAll(async () => {
      await current?.dispose();
      current = undefined;
    });
  }
  beforeEach(async () => {
    if (perTest) current = await createTestDatabase(kind, options);
    else if (current) await wipeTables(current);
  });
  afterEach(async () => {
    if (perTest) {
      await current?.dispose();
      current = undefined;
    } else {
      await current?.closeExtraConnections();
    }
  });
  return () => {
    if (!current) throw new Error('useTestDatabase: the database exists only inside a test');
    return current;
  };
}

/** Empties every application table (not the migration bookkeeping) and resets auto-increment ids. */
async function wipeTables(database: TestDatabase): Promise<void> {
  const { db } = database;
  if (database.dialect === 'postgres') {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(db);
    if (rows.length > 0) await sql`truncate table ${sql.join(rows.map((r) => sql.id(r.name)))} restart identity cascade`.execute(db);
    return;
  }
  await db.connection().execute(async (conn) => {
    const { rows } = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%'`.execute(conn);
    await sql`pragma foreign_keys = off`.execute(conn);
    try {
      for (const { name } of rows) await sql`delete from ${sql.id(name)}`.execute(conn);
      const hasSequences = await sql<{ n: number }>`select count(*) as n from sqlite_master where name = 'sqlite_sequence'`.execute(conn);
      if (Number(hasSequences.rows[0]?.n) > 0) await sql`delete from sqlite_sequence`.execute(conn);
    } finally {
      await sql`pragma foreign_keys = on`.execute(conn);
    }
  });
}

/** `describe` once per database kind, titled e.g. "queue [sqlite]" and "queue [postgres]". */
export function describeEachDatabase(title: string, body: (kind: DatabaseKind) => void): void {
  for (const kind of DATABASE_KINDS) describe(`${title} [${kind}]`, () => body(kind));
}

function createSqliteFile(): { url: string; destroy: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-test-db-'));
  return {
    url: `file:${join(dir, 'test.sqlite')}`,
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function createPostgresSchema(): Promise<{ url: string; destroy: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create schema ${schema}`));
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    destroy: () => withAdminClient((client) => client.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
  };
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
