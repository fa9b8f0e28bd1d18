import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** Told about errors of idle PostgreSQL connections (e.g. the server restarted); the pool replaces them. */
  onIdleConnectionError?: (error: Error) => void;
}

/**
 * Opens the database named by DATABASE_URL: `file:<path>` → SQLite (better-sqlite3), `postgres://` or
 * `postgresql://` → PostgreSQL (pg Pool). A `?schema=<name>` parameter on a PostgreSQL URL sets the
 * search_path, which lets tests (and several deployments sharing one database) use separate schemas.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): DatabaseHandle {
  if (url.startsWith('file:')) return openSqlite(url.slice('file:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new Error('DATABASE_URL must start with file:, postgres:// or postgresql://');
}

function openSqlite(path: string): DatabaseHandle {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SqliteDatabase(inMemory ? ':memory:' : path);
  // WAL lets readers run beside the single writer; busy_timeout makes a second process wait for the
  // write lock instead of failing at once; foreign keys are off by default in SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // SQLite's own default page cache (2 MiB; better-sqlite3 builds with 16 MiB per connection). The OS page cache
  // already holds the file as shared, reclaimable memory; a larger private copy only raised the proxy's RSS
  // (+14 MiB after 2,000 card views over 100,000 buyers, issue 10). https://www.sqlite.org/pragma.html#pragma_cache_size
  sqlite.pragma('cache_size = -2000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

const INT8_OID = 20;

// Times and ids are int8 columns; node-pg returns int8 as strings by default because values may exceed
// 2^53. Ours are epoch milliseconds and row ids, far below that, so they are parsed to numbers — per pool,
// not through the global pg.types registry, so other pg users in the process are unaffected.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

function openPostgres(url: string, options: OpenDatabaseOptions): DatabaseHandle {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('schema must be a lowercase SQL identifier');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    types: pgTypes,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that would
  // crash the process. The next query gets a fresh client.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
