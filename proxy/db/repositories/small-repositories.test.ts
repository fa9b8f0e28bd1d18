import { beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { IdempotencyKeysRepository } from './idempotency-keys.js';
import { LinksRepository } from './links.js';
import { OperationLogRepository } from './operation-log.js';
import { SeenEventsRepository } from './seen-events.js';
import { AccountSyncRepository } from './account-sync.js';
import { CreateIntentsRepository } from './create-intents.js';
import { EntityLeasesRepository } from './entity-leases.js';
import { EMPTY_POSITION, SyncStreamsRepository } from './sync-streams.js';

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
    expect(results.find((r) => r.kind === 'existing')).toMatchObject({ answer: null });

    const winnerHash = (await keys.lookup(1, 'k1'))!.requestHash;
    await keys.complete(1, 'k1', { kind: 'completed', body: { operationId: 'op-1', points: 50 } });
    expect(await rival.claim(1, 'k1', winnerHash, 60_000)).toEqual({ kind: 'existing', requestHash: winnerHash, answer: { kind: 'completed', body: { operationId: 'op-1', points: 50 } } });
    // A refusal keeps its code and extras, not an HTTP status (the edge derives that).
    await keys.claim(1, 'k3', 'h', 60_000);
    await keys.complete(1, 'k3', { kind: 'refused', code: 'bonus_insufficient_points', extra: { balance: 40 } });
    expect((await keys.lookup(1, 'k3'))?.answer).toEqual({ kind: 'refused', code: 'bonus_insufficient_points', extra: { balance: 40 } });

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
    await keys.complete(1, 'old-1', { kind: 'completed', body: 'done' });
    await keys.claim(1, 'old-2', 'h', 1_000);
    await keys.claim(1, 'fresh', 'h', 60_000);
    clock += 1_001;
    await keys.claim(1, 'new', 'h', 60_000);
    const left = await database().db.selectFrom('idempotency_keys').select('key').orderBy('key').execute();
    expect(left.map((r) => r.key)).toEqual(['fresh', 'new']);
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

  it('links keep the digest of the last write, per link, and lose it when re-linked to another entity', async () => {
    const links = new LinksRepository(database().db, now);
    await links.linkMany(1, 'product', [
      { moyskladId: 'p-1', amoId: 10, writtenHash: 'h1' },
      { moyskladId: 'p-2', amoId: 11 },
    ]);
    expect(await links.lookup(1, 'product', ['p-1', 'p-2', 'p-3'])).toEqual(
      new Map([
        ['p-1', { amoId: 10, writtenHash: 'h1' }],
        ['p-2', { amoId: 11, writtenHash: null }],
      ]),
    );
    await links.link(1, 'product', 'p-1', 10); // same entity again: the digest stays
    await links.setWrittenHashes(1, 'product', [{ moyskladId: 'p-2', writtenHash: 'h2' }]);
    expect((await links.lookup(1, 'product', ['p-1', 'p-2'])).get('p-2')?.writtenHash).toBe('h2');
    expect((await links.lookup(1, 'product', ['p-1'])).get('p-1')?.writtenHash).toBe('h1');
    await links.link(1, 'product', 'p-1', 12); // another amoCRM entity: nothing was written to it yet
    expect((await links.lookup(1, 'product', ['p-1'])).get('p-1')).toEqual({ amoId: 12, writtenHash: null });
    expect(await links.lookupByAmoId(1, 'product', [11, 12, 99])).toEqual(new Map([[11, 'p-2'], [12, 'p-1']]));
  });

  it('account sync state: one row per account, typed, defaults until written', async () => {
    const state = new AccountSyncRepository(database().db, now);
    expect(await state.get(1)).toMatchObject({ mode: 'webhooks', connectedAt: null, import: { state: 'idle', done: 0, total: 0 }, catalog: null });
    await state.setImportProgress(1, { state: 'running', done: 5, total: 9 });
    await state.saveCatalog(1, { catalogId: 7, fieldIds: { SKU: 1, GROUP: 4 } });
    await state.markConnected(1, 'polling');
    await state.touchLastChange(1);
    expect(await state.get(1)).toMatchObject({
      mode: 'polling',
      connectedAt: clock,
      import: { state: 'running', done: 5, total: 9 },
      catalog: { catalogId: 7, fieldIds: { SKU: 1, GROUP: 4 } },
      lastChangeAt: clock,
    });
  });

  it('stream positions are per stream; reset forgets those with a prefix', async () => {
    const streams = new SyncStreamsRepository(database().db, now);
    const position = { updated: '2026-01-01 10:00:00.123', id: 'a', reachedEndAt: 5, recent: ['a@2026-01-01 10:00:00.123'], completed: false };
    await streams.save(1, 'reconcile.product', position);
    await streams.save(1, 'import.product', { ...position, completed: true });
    expect(await streams.get(1, 'reconcile.product')).toEqual(position);
    expect((await streams.get(1, 'import.product')).completed).toBe(true);
    await streams.reset(1, ['reconcile.']);
    expect(await streams.get(1, 'reconcile.product')).toEqual(EMPTY_POSITION);
    expect((await streams.get(1, 'import.product')).completed).toBe(true);
  });

  it('create intents: recorded in bulk, found by key, cleared', async () => {
    const intents = new CreateIntentsRepository(database().db, now);
    await intents.record(1, ['counterparty:a', 'contact:a']);
    await intents.record(1, ['counterparty:a']); // twice is fine
    expect(await intents.has(1, 'counterparty:a')).toBe(true);
    expect(await intents.existing(1, ['counterparty:a', 'contact:a', 'contact:b'])).toEqual(new Set(['counterparty:a', 'contact:a']));
    await intents.clear(1, ['counterparty:a']);
    expect(await intents.existing(1, ['counterparty:a', 'contact:a'])).toEqual(new Set(['contact:a']));
  });

  it('entity leases: one holder at a time across connections, expiry frees them, the holder renews', async () => {
    const leases = new EntityLeasesRepository(database().db, now);
    const rival = new EntityLeasesRepository(database().connectAgain().db, now);
    const [mine, theirs] = await Promise.all([leases.acquire(1, ['buyer:a', 'buyer:b'], 'job-1', 1_000), rival.acquire(1, ['buyer:b', 'buyer:c'], 'job-2', 1_000)]);
    expect(new Set([...mine].filter((key) => theirs.has(key)))).toEqual(new Set()); // never both
    expect([...mine, ...theirs].sort()).toEqual(['buyer:a', 'buyer:b', 'buyer:c']);
    expect(await leases.acquire(1, ['buyer:a'], 'job-1', 1_000)).toEqual(new Set(['buyer:a'])); // renewal by the holder
    expect(await rival.acquire(1, ['buyer:a'], 'job-2', 1_000)).toEqual(new Set());
    clock += 1_001;
    expect(await rival.acquire(1, ['buyer:a'], 'job-2', 1_000)).toEqual(new Set(['buyer:a'])); // expired
    await rival.release(1, ['buyer:a'], 'job-2');
    expect(await leases.acquire(1, ['buyer:a'], 'job-1', 1_000)).toEqual(new Set(['buyer:a']));
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
