import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../test-support/databases.js';
import { customers, notesOf, transactionsOf } from '../sync/test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../sync/test-support/sync-harness.js';
import { AmoAccountLimiter } from '../amocrm/account-limiter.js';
import { AmoRateStore } from '../db/repositories/amo-rate-store.js';
import { main } from './sync.js';
import { parseSyncArgs } from './sync-args.js';

/** The same time compression the harness gives the server's sync module. */
const FAST = { amo: { timeScale: 0.05, retry: { minBackoffMs: 50, maxBackoffMs: 3000 } } };

function captureIo() {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (chunk: Buffer) => (outText += chunk.toString()));
  err.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  return { io: { out, err }, out: () => outText, err: () => errText };
}

describe('sync CLI flags', () => {
  it('accepts --account with an optional --full and rejects everything else', () => {
    expect(parseSyncArgs(['--account', '31000001'])).toEqual({ ok: true, args: { account: 31000001, full: false, unblockAmocrm: false } });
    expect(parseSyncArgs(['--account=42', '--full'])).toEqual({ ok: true, args: { account: 42, full: true, unblockAmocrm: false } });
    expect(parseSyncArgs(['--account', '42', '--unblock-amocrm'])).toEqual({ ok: true, args: { account: 42, full: false, unblockAmocrm: true } });
    for (const bad of [[], ['--account'], ['--account', 'abc'], ['--account', '0'], ['--account', '-5'], ['--account', '1', '--bogus'], ['--account', '1', 'extra'], ['--full'], ['--account', '1', '--full', '--unblock-amocrm']]) {
      const parsed = parseSyncArgs(bad);
      expect(parsed.ok, bad.join(' ')).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain('usage: npm run sync');
    }
  });
});

describe.each(DATABASE_KINDS)('npm run sync on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('refuses unknown and unconnected accounts, then restores dropped sales; --full re-applies without duplicates', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 2 } });
    const harness = h;
    await harness.settle();

    let run = captureIo();
    expect(await main(['--account', '777'], harness.env, run.io, FAST)).toBe(1);
    expect(run.err()).toContain('account 777 is unknown');

    await harness.proxy.context.accounts.ensure(778, 'other');
    run = captureIo();
    expect(await main(['--account', '778'], harness.env, run.io, FAST)).toBe(1);
    expect(run.err()).toContain('account 778 is not connected');

    run = captureIo();
    expect(await main(['--account', 'x'], harness.env, run.io, FAST)).toBe(2);
    run = captureIo();
    expect(await main(['--account', '1'], { ...harness.env, ENCRYPTION_KEY: 'too-short' }, run.io, FAST)).toBe(2);

    // Webhooks lost: the CLI's incremental pass brings the sales in, while the server keeps running.
    harness.ms.faults = { dropWebhookRatio: 1 };
    const product = harness.ms.list('product').find((p) => !p.archived)!;
    const saleIds = [0, 1].map((i) =>
      String(harness.ms.sellAtTill({ buyer: { name: `Покупатель CLI ${i}`, phone: `+7996000000${i}` }, positions: [{ productId: String(product.id), quantity: 1 }] }).retaildemand.id),
    );
    await harness.queueIdle();
    expect(saleIds.map((id) => transactionsOf(harness, id).length)).toEqual([0, 0]);
    run = captureIo();
    expect(await main(['--account', String(ACCOUNT_ID)], harness.env, run.io, FAST)).toBe(0);
    expect(run.out()).toMatch(/incremental pass done, \d+ rows applied/);
    expect(saleIds.map((id) => transactionsOf(harness, id).length)).toEqual([1, 1]);

    // --full: every row read again from the start, nothing created twice.
    const customersBefore = customers(harness).length;
    run = captureIo();
    expect(await main(['--account', String(ACCOUNT_ID), '--full'], harness.env, run.io, FAST)).toBe(0);
    const applied = Number(/(\d+) rows applied/.exec(run.out())?.[1]);
    const people = harness.ms.list('counterparty').filter((c) => c.companyType === 'individual' && c.name !== 'Розничный покупатель');
    expect(applied).toBeGreaterThanOrEqual(harness.ms.list('product').length + people.length + harness.ms.list('retaildemand').length);
    expect(customers(harness)).toHaveLength(customersBefore);
    expect(saleIds.map((id) => [transactionsOf(harness, id).length, notesOf(harness, id).length])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const cliJobs = await harness.database.db.selectFrom('jobs').select('state').where('kind', '=', 'sync.cli_pass').execute();
    expect(cliJobs.map((job) => job.state)).toEqual(['completed', 'completed']);
  });

  it('--unblock-amocrm clears the block the server set after a 403, and the sale then reaches amoCRM', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 2, sales: 0 } });
    const harness = h;
    await harness.settle();
    // What the server's transport records on amoCRM's block page, in the row every process shares.
    const shared = new AmoAccountLimiter({ store: new AmoRateStore(harness.database.db, harness.database.dialect) });
    await shared.block(String(ACCOUNT_ID), 'HTTP 403 on GET /api/v4/account');

    const product = harness.ms.list('product').find((p) => !p.archived)!;
    const saleId = String(harness.ms.sellAtTill({ buyer: { name: 'Покупатель при блокировке', phone: '+79961112233' }, positions: [{ productId: String(product.id), quantity: 1 }] }).retaildemand.id);
    await harness.until('a job stopped by the block', async () => {
      const row = await harness.database.db.selectFrom('jobs').select('id').where('last_error', 'like', '%is blocked%').executeTakeFirst();
      return row !== undefined;
    });
    expect(transactionsOf(harness, saleId)).toHaveLength(0);

    let run = captureIo();
    expect(await main(['--account', String(ACCOUNT_ID), '--unblock-amocrm'], harness.env, run.io, FAST)).toBe(0);
    expect(run.out()).toContain(`account ${ACCOUNT_ID}: amoCRM block cleared (blocked since`);
    expect(run.out()).toContain('HTTP 403 on GET /api/v4/account');
    expect(await shared.blockState(String(ACCOUNT_ID))).toBeNull();
    run = captureIo();
    expect(await main(['--account', String(ACCOUNT_ID), '--unblock-amocrm'], harness.env, run.io, FAST)).toBe(0);
    expect(run.out()).toContain('amoCRM was not blocked');

    await harness.until('the sale in amoCRM', async () => {
      await harness.fastForwardRetries();
      return transactionsOf(harness, saleId).length === 1;
    });
  });
});
