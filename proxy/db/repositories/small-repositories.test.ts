import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { IdempotencyKeysRepository } from './idempotency-keys.js';
import { LinksRepository } from './links.js';
import { OperationLogRepository } from './operation-log.js';
import { SeenEventsRepository } from './seen-events.js';
import { SyncCursorsRepository } from './sync-cursors.js';

describeEachDatabase('small repositories', (kind) => {
  const database = useTestDatabase(kind);
  let clock: number;
  const now = () => clock;
  beforeEach(async () => {
    clock = 1_700_000_000_000;
    await database().db.insertInto('accounts').values({ id: 1, subdomain: 'shop', status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: clock, updated_at: clock }).execute();
  });

  it('idempotency keys: one claimant wins, others see its hash and later its response; expiry frees the key', async () => {
    const keys = new IdempotencyKeysRepository(database().db, now);
    const rival = new IdempotencyKeysRepository(database().connectAgain().db, now);
    const results = await Promise.all([keys.claim(1, 'k1', 'hash-a', 60_000), rival.claim(1, 'k1', 'hash-b', 60_000)]);
    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.find((r) => r.kind === 'existing')).toMatchObject({ response: null });

    const winnerHash = (await keys.lookup(1, 'k1'))!.requestHash;
    await keys.complete(1, 'k1', { status: 200, body: { operationId: 'op-1', points: 50 } });
    expect(await rival.claim(1, 'k1', winnerHash, 60_000)).toEqual({ kind: 'existing', requestHash: winnerHash, response: { status: 200, body: { operationId: 'op-1', points: 50 } } });

    expect(await keys.claim(1, 'k2', 'h', 60_000)).toEqual({ kind: 'claimed' });
    await keys.release(1, 'k2');
    expect(await keys.claim(1, 'k2', 'h2', 60_000)).toEqual({ kind: 'claimed' });

    await keys.release(1, 'k1'); // completed keys are not released
    expect(await keys.lookup(1, 'k1')).not.toBeNull();
    clock += 60_001;
    expect(await keys.lookup(1, 'k1')).toBeNull();
    expect(await keys.claim(1, 'k1', 'hash-c', 60_000)).toEqual({ kind: 'claimed' });
  });

  it('idempotency keys: a claim clears the account\'s expired keys, so the table stays bounded', async () => {
    const keys = new IdempotencyKeysRepository(database().db, now);
    await keys.claim(1, 'old-1', 'h', 1_000);
    await keys.complete(1, 'old-1', { status: 200, body: 'done' });
    await keys.claim(1, 'old-2', 'h', 1_000);
    await keys.claim(1, 'fresh', 'h', 60_000);
    clock += 1_001;
    await keys.claim(1, 'new', 'h', 60_000);
    const left = await database().db.selectFrom('idempotency_keys').select('key').orderBy('key').execute();
    expect(left.map((r) => r.key)).toEqual(['fresh', 'new']);
    await expect(keys.complete(1, 'new', { status: 42, body: null })).rejects.toThrow();
  });

  it('operation log appends and lists newest first', async () => {
    const log = new OperationLogRepository(database().db, now);
    await log.append({ accountId: 1, userId: 5, kind: 'bonus.accrue', details: { amount: 100 } });
    clock += 1;
    await log.append({ accountId: 1, userId: null, kind: 'sync.import', details: {} });
    expect((await log.list(1)).map((e) => [e.kind, e.userId, e.details, e.at])).toEqual([
      ['sync.import', null, {}, clock],
      ['bonus.accrue', 5, { amount: 100 }, clock - 1],
    ]);
  });

  it('links are one-to-one in both directions per kind', async () => {
    const links = new LinksRepository(database().db, now);
    await links.link(1, 'counterparty', 'ms-1', 100);
    await links.link(1, 'product', 'ms-1', 100); // another kind is independent
    expect(await links.amoIdFor(1, 'counterparty', 'ms-1')).toBe(100);
    expect(await links.moyskladIdFor(1, 'counterparty', 100)).toBe('ms-1');
    await links.link(1, 'counterparty', 'ms-1', 101); // re-link the same МойСклад entity
    expect(await links.moyskladIdFor(1, 'counterparty', 100)).toBeNull();
    await expect(links.link(1, 'counterparty', 'ms-2', 101)).rejects.toThrow();
    expect(await links.unlinkByMoyskladId(1, 'counterparty', 'ms-1')).toBe(true);
    expect(await links.amoIdFor(1, 'counterparty', 'ms-1')).toBeNull();
  });

  it('sync cursors are per stream and roll back with the transaction that carried them', async () => {
    const cursors = new SyncCursorsRepository(database().db, now);
    await cursors.save(1, 'retaildemand', '2026-01-01 10:00:00.000');
    await expect(
      database().db.transaction().execute(async (trx) => {
        await cursors.save(1, 'retaildemand', '2026-01-02 10:00:00.000', trx);
        throw new Error('destination write failed');
      }),
    ).rejects.toThrow();
    expect(await cursors.get(1, 'retaildemand')).toBe('2026-01-01 10:00:00.000');
    expect(await cursors.get(1, 'counterparty')).toBeNull();
    expect(await cursors.list(1)).toEqual([{ stream: 'retaildemand', cursor: '2026-01-01 10:00:00.000', updatedAt: clock }]);
  });

  it('seen events: the first delivery wins, concurrent duplicates lose, expiry makes it new again', async () => {
    const seen = new SeenEventsRepository(database().db, now);
    const rival = new SeenEventsRepository(database().connectAgain().db, now);
    const firsts = await Promise.all([seen.markSeen('moysklad', 1, 'req-1', 1_000), rival.markSeen('moysklad', 1, 'req-1', 1_000)]);
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect(await seen.markSeen('amocrm', 1, 'req-1', 1_000)).toBe(true); // another source
    clock += 1_001;
    expect(await seen.markSeen('moysklad', 1, 'req-1', 1_000)).toBe(true);
    expect(await seen.markSeen('moysklad', 1, 'req-1', 1_000)).toBe(false);
    clock += 1_001;
    expect(await seen.purgeExpired()).toBe(2);
  });
});
