import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main as syncCli } from '../../cli/sync.js';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { accountLifecycleJob, SYNC_JOBS } from '../jobs.js';
import { transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const refusals = (h: SyncHarness, since: number) => h.ms.requestLog.slice(since).filter((entry) => entry.status === 401);
/** МойСклад requests made with a token (the reconnect's own Basic-auth token request is not one). */
const bearerRequests = (h: SyncHarness, since: number) => h.ms.requestLog.slice(since).filter((entry) => entry.path !== '/security/token');

function sell(h: SyncHarness, i: number): string {
  const product = h.ms.list('product').find((p) => !p.archived)!;
  return String(h.ms.sellAtTill({ buyer: { name: `Покупатель ${i}`, phone: `+7999555060${i}` }, positions: [{ productId: String(product.id), quantity: 1 }] }).retaildemand.id);
}

describe.each(DATABASE_KINDS)('a revoked МойСклад token on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('after the first 401 nothing calls МойСклад for the account — jobs, widget routes, the CLI — and the parked jobs resume by themselves after a reconnect', async () => {
    h = await startSyncHarness(kind);
    const harness = h;
    await harness.settle();
    const mark = harness.ms.requestLog.length;
    harness.ms.revokeTokens('admin@demo'); // the password was changed, or the token was issued again elsewhere

    // The first sale's job meets the 401; everything after it finds the account waiting for a reconnect.
    const sales = [sell(harness, 0)];
    await harness.until('the account marked as needing a reconnect', async () => (await harness.proxy.context.accounts.find(ACCOUNT_ID))?.needsReauth === true);
    for (let i = 1; i < 6; i += 1) sales.push(sell(harness, i));
    await harness.proxy.context.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, ACCOUNT_ID));
    await harness.queueIdle();

    expect((await harness.widget('GET', '/api/widget/status')).json.moysklad.state).toBe('needs_reauth');
    const sync = (await harness.widget('GET', '/api/widget/sync')).json;
    expect(sync.failedJobs.length).toBeGreaterThanOrEqual(6); // the sales' jobs and the reconciliation, parked
    expect(new Set(sync.failedJobs.map((job: { problem: { hint: string } | null }) => job.problem?.hint))).toEqual(new Set(['reconnect_moysklad']));
    // Widget routes that would call МойСклад answer without calling it.
    expect((await harness.widget('GET', '/api/widget/settings')).json.priceTypes).toEqual([]);
    const buyer = await harness.database.db.selectFrom('buyers').select('amo_customer_id').where('account_id', '=', ACCOUNT_ID).where('amo_customer_id', 'is not', null).executeTakeFirstOrThrow();
    const bonus = await harness.widget('POST', `/api/widget/customers/${Number(buyer.amo_customer_id)}/bonus`, { body: { operation: 'accrue', amount: 10 }, headers: { 'Idempotency-Key': 'after-revoke-1' } });
    expect([bonus.status, bonus.json.code]).toEqual([409, 'moysklad_needs_reauth']);
    // So does the operator's CLI.
    const err = new PassThrough();
    let errText = '';
    err.on('data', (chunk: Buffer) => (errText += chunk.toString()));
    expect(await syncCli(['--account', String(ACCOUNT_ID)], harness.env, { out: new PassThrough(), err }, { amo: { timeScale: 0.05 } })).toBe(1);
    expect(errText).toContain('rejected the stored login');
    // Another proxy process (its own limiters: it never saw the 401) decides the same from the database.
    const other = await harness.startProxy();
    await expect(other.sync.engine.context(ACCOUNT_ID, { lane: 'bulk' })).rejects.toMatchObject({ reason: 'moysklad_needs_reauth' });
    expect(await other.sync.poller.poll(ACCOUNT_ID, 'retaildemand')).toBe(0);
    // …and the scheduler's ticks and the webhooks still arriving added nothing: one 401, and nothing else since.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(refusals(harness, mark)).toHaveLength(1);
    expect(bearerRequests(harness, mark)).toHaveLength(1);
    expect(sales.map((id) => transactionsOf(harness, id).length)).toEqual([0, 0, 0, 0, 0, 0]);

    // An admin connects МойСклад again: the parked jobs run by themselves, every sale arrives once.
    const reconnected = await harness.widget('POST', '/api/widget/connection', { body: { login: 'admin@demo', password: 'sandbox-password' } });
    expect(reconnected.status).toBe(200);
    await harness.until('every sale in amoCRM', () => sales.every((id) => transactionsOf(harness, id).length === 1), 20_000);
    await harness.queueIdle();
    expect(sales.map((id) => transactionsOf(harness, id).length)).toEqual([1, 1, 1, 1, 1, 1]);
    const after = (await harness.widget('GET', '/api/widget/sync')).json;
    expect(after.failedJobs).toEqual([]);
    expect(after.realtime.webhooks).toMatchObject({ present: 18, expected: 18 });
    expect(refusals(harness, mark)).toHaveLength(1);
  });
});
