import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { AccountSyncRepository } from './account-sync.js';
import { SyncRealtimeRepository, type RealtimeCheck } from './sync-realtime.js';

const check = (entityType: string, pollReason: RealtimeCheck['pollReason'], present = 3): RealtimeCheck => ({
  entityType,
  expected: 3,
  present,
  restored: 0,
  pollReason,
  pollIntervalMs: pollReason === null ? null : 1_000,
});

describeEachDatabase('sync_realtime and the connect/event columns of account_sync', (kind) => {
  const database = useTestDatabase(kind);
  const T = 1_700_000_000_000;
  beforeEach(async () => {
    for (const id of [1, 2]) {
      await database().db.insertInto('accounts').values({ id, subdomain: `s${id}`, status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: T, updated_at: T }).execute();
    }
  });

  it('a type that becomes polled is due at once, keeps its turn across checks, and leaves the schedule when webhooks deliver it again', async () => {
    const realtime = new SyncRealtimeRepository(database().db);
    await realtime.record(1, [check('retaildemand', 'limit', 2), check('product', null)], T);
    expect(await realtime.due(T)).toEqual([{ accountId: 1, entityType: 'retaildemand', dueAt: T, intervalMs: 1_000 }]);
    expect(await realtime.claim({ accountId: 1, entityType: 'retaildemand', dueAt: T, intervalMs: 1_000 }, T + 1_000)).toBe(true);
    await realtime.record(1, [check('retaildemand', 'limit', 2), check('product', null)], T + 500);
    expect((await realtime.list(1)).find((row) => row.entityType === 'retaildemand')?.nextPollAt).toBe(T + 1_000);
    expect(await realtime.due(T + 999)).toEqual([]);
    await realtime.record(1, [check('retaildemand', null), check('product', null)], T + 2_000);
    expect(await realtime.due(T + 10_000)).toEqual([]);
    expect((await realtime.list(1)).map((row) => [row.entityType, row.pollReason, row.nextPollAt])).toEqual([
      ['product', null, null],
      ['retaildemand', null, null],
    ]);
  });

  it('one process takes a due turn: a second claim of the same turn (another process, another connection) loses', async () => {
    const mine = new SyncRealtimeRepository(database().db);
    const theirs = new SyncRealtimeRepository(database().connectAgain().db);
    await mine.record(2, [check('counterparty', 'tariff')], T);
    const [turn] = await mine.due(T);
    const results = await Promise.all([mine.claim(turn!, T + 10_000), theirs.claim(turn!, T + 10_000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await mine.due(T + 9_999)).toEqual([]);
  });

  it('connect is due when never run or when a connection change came after it; events are noted at most once a second', async () => {
    let clock = T;
    const state = new AccountSyncRepository(database().db, () => clock);
    expect(AccountSyncRepository.connectDue(await state.get(1))).toBe(true);
    await state.markConnected(1, 'webhooks', T);
    expect(AccountSyncRepository.connectDue(await state.get(1))).toBe(false);
    clock = T + 5_000;
    await state.requestConnect(1);
    expect(AccountSyncRepository.connectDue(await state.get(1))).toBe(true);
    await state.markConnected(1, 'webhooks', T + 6_000);
    expect(AccountSyncRepository.connectDue(await state.get(1))).toBe(false);

    await state.noteEvent(1, database().db, T + 10_000);
    await state.noteEvent(1, database().db, T + 10_500);
    expect((await state.get(1)).lastEventAt).toBe(T + 10_000);
    await state.noteEvent(1, database().db, T + 11_001);
    expect((await state.get(1)).lastEventAt).toBe(T + 11_001);
    await state.noteEvent(2, database().db, T); // no sync row: nothing to note for an account never connected
    expect((await state.get(2)).lastEventAt).toBeNull();
  });
});
