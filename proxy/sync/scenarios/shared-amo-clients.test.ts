import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

/**
 * The widget and the sync of one process call amoCRM through the process's one `AccountClients`
 * (`ProxyContext.amoClients`, proxy/context.ts). The 7 rps budget is shared through the database anyway; what only
 * one instance shares is in memory: the live lane's priority and the slow-down after a 429. One database kind is
 * enough here: what is proved lives in memory.
 */
describe('one amoCRM limiter per process', () => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a 429 met by the widget slows the sync of the same account down', async () => {
    // amoCRM's window at half a second: a 429's slow-down then lasts 15 s, far longer than this test needs.
    h = await startSyncHarness('sqlite', { seed: { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 1, sales: 1 }, amoTimeScale: 0.5 });
    const harness = h;
    await harness.settle();
    const customerId = [...(await harness.links('counterparty')).values()][0]!;
    const syncLimiter = harness.sync.engine.deps.clients.amoLimiter;
    const account = String(ACCOUNT_ID);
    const normalSpacing = syncLimiter.spacingMs(account);

    // A widget operation names its author first (GET /api/v4/users/{id}); amoCRM answers that call 429.
    const from = harness.amo.requestLog(SUBDOMAIN).length;
    harness.amo.faults.failNext = { count: 1, status: 429 };
    const answer = await harness.widget('POST', `/api/widget/customers/${customerId}/bonus`, { headers: { 'Idempotency-Key': 'shared-limiter-1' }, body: { operation: 'accrue', amount: 5 } });
    expect(answer.status).toBe(200);
    const widgetCalls = harness.amo.requestLog(SUBDOMAIN).slice(from);
    expect(widgetCalls[0]).toMatchObject({ method: 'GET', route: '/api/v4/users/{id}', status: 429 });

    // The sync's calls of this account now leave at half the pace: the widget's limiter is the sync's.
    expect(syncLimiter.spacingMs(account)).toBe(normalSpacing * 2);
  });
});
