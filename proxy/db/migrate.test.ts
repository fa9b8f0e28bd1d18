import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../test-support/databases.js';
import { migrateToLatest, pendingMigrations } from './migrate.js';

describeEachDatabase('migrations', (kind) => {
  const database = useTestDatabase(kind, { migrate: false });

  it('apply every migration once and are idempotent on a second run', async () => {
    const { db, dialect } = database();
    expect(await pendingMigrations(db, dialect)).toEqual(['0001-initial', '0002-amo-rate', '0003-drop-rate-limit-buckets', '0004-referred-buyers-index', '0008-bonus-operations', '0009-job-problems']);

    const first = await migrateToLatest(db, dialect);
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual([
      ['0001-initial', 'Success'],
      ['0002-amo-rate', 'Success'],
      ['0003-drop-rate-limit-buckets', 'Success'],
      ['0004-referred-buyers-index', 'Success'],
      ['0008-bonus-operations', 'Success'],
      ['0009-job-problems', 'Success'],
    ]);
    expect(await pendingMigrations(db, dialect)).toEqual([]);

    const second = await migrateToLatest(db, dialect);
    expect(second.results).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*) as n from jobs`.execute(db);
    expect(Number(rows[0]?.n)).toBe(0);
    // The unused token-bucket table of 0001 is gone; amoCRM pacing lives in amo_rate.
    await expect(sql`select count(*) from rate_limit_buckets`.execute(db)).rejects.toThrow();
    await sql`select count(*) from amo_rate`.execute(db);
  });

  it('two connections migrating at once leave one consistent schema', async () => {
    const first = database();
    const second = first.connectAgain();
    await Promise.all([migrateToLatest(first.db, first.dialect), migrateToLatest(second.db, second.dialect)]);
    expect(await pendingMigrations(second.db, second.dialect)).toEqual([]);
  });
});
