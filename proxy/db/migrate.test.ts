import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../test-support/databases.js';
import { migrateTo, migrateToLatest, pendingMigrations } from './migrate.js';

/** Account 7, written with plain SQL: the repositories expect the latest schema, these tests an older one. */
function insertAccount7(db: Kysely<any>, at: number) {
  return sql`insert into accounts (id, subdomain, status, needs_reinstall, needs_reauth, settings_json, webhook_secret_enc, created_at, updated_at)
             values (7, 'shop', 'active', 0, 0, '{}', 'x', ${at}, ${at})`.execute(db);
}

describeEachDatabase('migrations', (kind) => {
  const database = useTestDatabase(kind, { migrate: false });

  it('apply every migration once and are idempotent on a second run', async () => {
    const { db, dialect } = database();
    expect(await pendingMigrations(db, dialect)).toEqual(['0001-initial', '0002-amo-rate', '0003-drop-rate-limit-buckets', '0004-referred-buyers-index', '0005-sync-state-tables', '0006-security-hardening', '0007-bonus-operations', '0008-job-problems', '0009-realtime-state', '0011-data-that-must-not-drift', '0012-idempotent-refusals']);

    const first = await migrateToLatest(db, dialect);
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual([
      ['0001-initial', 'Success'],
      ['0002-amo-rate', 'Success'],
      ['0003-drop-rate-limit-buckets', 'Success'],
      ['0004-referred-buyers-index', 'Success'],
      ['0005-sync-state-tables', 'Success'],
      ['0006-security-hardening', 'Success'],
      ['0007-bonus-operations', 'Success'],
      ['0008-job-problems', 'Success'],
      ['0009-realtime-state', 'Success'],
      ['0011-data-that-must-not-drift', 'Success'],
      ['0012-idempotent-refusals', 'Success'],
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

  it('0005 carries the sync bookkeeping of sync_cursors over into its typed tables', async () => {
    const { db, dialect } = database();
    await migrateTo(db, dialect, '0004-referred-buyers-index');
    const at = 1_700_000_000_000;
    await insertAccount7(db, at);
    const rows: Array<[string, string]> = [
      ['initial_import', '{"state":"done","done":40,"total":40}'],
      ['sync_connected', '{"at":1700000000001,"mode":"polling","error":null}'],
      ['amo_products_catalog', '{"catalogId":5,"fieldIds":{"SKU":1,"PRICE":3,"GROUP":4}}'],
      ['bonus_program_snapshot', '{"program":null}'],
      ['import:product', '2026-01-01 10:00:00.000'],
      ['import:product:done', 'yes'],
      ['reconcile:counterparty', '2026-01-02 11:00:00.500'],
      ['audit:product', '2026-01-03T07:00:00.000Z'],
      ['intent:counterparty:abc', '1700000000000'],
      ['amo_buyer:abc', 'digest'],
    ];
    for (const [stream, cursor] of rows) await sql`insert into sync_cursors (account_id, stream, cursor, updated_at) values (7, ${stream}, ${cursor}, ${at})`.execute(db);
    await migrateToLatest(db, dialect);

    const state = await sql<Record<string, unknown>>`select * from account_sync`.execute(db);
    expect(state.rows).toHaveLength(1);
    expect(state.rows[0]).toMatchObject({ mode: 'polling', import_state: 'done', bonus_program_json: '{"program":null}' });
    expect(Number(state.rows[0]!.connected_at)).toBe(1_700_000_000_001);
    expect([state.rows[0]!.catalog_id, state.rows[0]!.catalog_sku_field_id, state.rows[0]!.catalog_group_field_id].map(Number)).toEqual([5, 1, 4]);
    const streams = await sql<{ stream: string; position_updated: string | null; completed: number }>`select stream, position_updated, completed from sync_streams order by stream`.execute(db);
    expect(streams.rows.map((r) => [r.stream, r.position_updated, Number(r.completed)])).toEqual([
      ['audit.product', '2026-01-03 10:00:00.000', 0],
      ['import.product', '2026-01-01 10:00:00.000', 1],
      ['reconcile.counterparty', '2026-01-02 11:00:00.500', 0],
    ]);
    const intents = await sql<{ intent_key: string }>`select intent_key from create_intents`.execute(db);
    expect(intents.rows.map((r) => r.intent_key)).toEqual(['counterparty:abc']);
    await expect(sql`select count(*) from sync_cursors`.execute(db)).rejects.toThrow();
  });

  it('0011 carries purchases returned before it over as whole returns', async () => {
    const { db, dialect } = database();
    await migrateTo(db, dialect, '0008-job-problems');
    const at = 1_700_000_000_000;
    await insertAccount7(db, at);
    for (const [id, returned] of [['kept', 0], ['back', 1]] as const) {
      await sql`insert into purchases (account_id, id, buyer_moysklad_id, number, moment, moment_ms, sum_kopecks, points_earned, points_spent, returned, updated_at)
                values (7, ${id}, 'b', ${id}, '2026-01-01T10:00:00.000+03:00', ${at}, 191075, 0, 0, ${returned}, ${at})`.execute(db);
      await sql`insert into purchase_items (account_id, purchase_id, position, name, quantity, price_kopecks) values (7, ${id}, 0, 'Товар', 2.5, 76430)`.execute(db);
    }
    await migrateToLatest(db, dialect);
    const purchases = await sql<{ id: string; returned_kopecks: number }>`select id, returned_kopecks from purchases order by id`.execute(db);
    expect(purchases.rows.map((r) => [r.id, Number(r.returned_kopecks)])).toEqual([['back', 191075], ['kept', 0]]);
    const items = await sql<{ purchase_id: string; returned_quantity: number }>`select purchase_id, returned_quantity from purchase_items order by purchase_id`.execute(db);
    expect(items.rows.map((r) => [r.purchase_id, Number(r.returned_quantity)])).toEqual([['back', 2.5], ['kept', 0]]);
  });

  it('0012 keeps stored answers and refusals as codes without their HTTP status; an unreadable refusal is forgotten', async () => {
    const { db, dialect } = database();
    await migrateTo(db, dialect, '0011-data-that-must-not-drift');
    const at = 1_700_000_000_000;
    await insertAccount7(db, at);
    const rows: Array<[string, string, number | null, string | null]> = [
      ['done', 'completed', 200, '{"operationId":"op-1","points":50,"status":"completed"}'],
      ['refused', 'completed', 422, '{"problem":"bonus_insufficient_points","extra":{"balance":40}}'],
      ['garbled', 'completed', 422, 'not json'],
      ['running', 'in_progress', null, null],
    ];
    for (const [key, state, status, json] of rows) {
      await sql`insert into idempotency_keys (account_id, key, request_hash, state, status_code, response_json, created_at, expires_at)
                values (7, ${key}, 'h', ${state}, ${status}, ${json}, ${at}, ${at + 86_400_000})`.execute(db);
    }
    await migrateToLatest(db, dialect);
    const after = await sql<{ key: string; state: string; refusal_code: string | null; response_json: string | null }>`
      select key, state, refusal_code, response_json from idempotency_keys order by key`.execute(db);
    expect(after.rows).toEqual([
      { key: 'done', state: 'completed', refusal_code: null, response_json: '{"operationId":"op-1","points":50,"status":"completed"}' },
      { key: 'refused', state: 'completed', refusal_code: 'bonus_insufficient_points', response_json: '{"balance":40}' },
      { key: 'running', state: 'in_progress', refusal_code: null, response_json: null },
    ]);
    await expect(sql`select status_code from idempotency_keys`.execute(db)).rejects.toThrow();
  });

  it('two connections migrating at once leave one consistent schema', async () => {
    const first = database();
    const second = first.connectAgain();
    await Promise.all([migrateToLatest(first.db, first.dialect), migrateToLatest(second.db, second.dialect)]);
    expect(await pendingMigrations(second.db, second.dialect)).toEqual([]);
  });
});
