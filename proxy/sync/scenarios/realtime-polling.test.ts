import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { accountLifecycleJob, SYNC_JOBS } from '../jobs.js';
import { customers, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

/** Polls compressed like the emulators' time: sales every 100 ms, the rest every 400 ms. */
const FAST_POLLS = { salePollMs: 100, otherPollMs: 400, pollTickMs: 20 };
const SYNCED = ['bonustransaction', 'counterparty', 'product', 'productfolder', 'retaildemand', 'retailsalesreturn'];

const sync = async (h: SyncHarness) => (await h.widget('GET', '/api/widget/sync')).json;
const reconcile = async (h: SyncHarness) => {
  await h.proxy.context.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, ACCOUNT_ID));
  await h.queueIdle();
};
/** Webhook notifications МойСклад sent us about one entity. */
const notifiedAbout = (h: SyncHarness, id: string) => h.ms.webhookLog.filter((entry) => entry.url.startsWith(h.config.PUBLIC_URL) && entry.payload.events.some((event) => event.meta.href.endsWith(id)));

function sell(h: SyncHarness, phone: string): string {
  const product = h.ms.list('product').find((p) => !p.archived)!;
  return String(h.ms.sellAtTill({ buyer: { name: `Покупатель ${phone}`, phone }, positions: [{ productId: String(product.id), quantity: 1 }] }).retaildemand.id);
}

describe.each(DATABASE_KINDS)('types webhooks cannot deliver are polled on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('another app holds the 5 sales webhooks (30007): only sales are polled, the status says so, a till sale still arrives; a freed slot switches back', async () => {
    h = await startSyncHarness(kind, { connect: false, sync: FAST_POLLS });
    const harness = h;
    const foreign = harness.ms.addForeignWebhooks([0, 1, 2, 3, 4].map((i) => ({ url: `https://site-plugin.example/ms/${i}`, entityType: 'retaildemand', action: 'CREATE' as const })));
    await harness.connect();
    await harness.settle();

    const status = await sync(harness);
    expect(status.mode).toBe('polling');
    expect(status.realtime.polled).toEqual([{ entityType: 'retaildemand', reason: 'limit', everySeconds: 0.1 }]);
    expect(status.realtime.webhooks).toEqual({ present: 17, expected: 18, restored: 0 });

    // In a quiet moment the poller reads sales only, nothing else.
    const mark = harness.ms.requestLog.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    const polled = harness.ms.requestLog.slice(mark).map((entry) => `${entry.method} ${entry.path}`);
    expect(polled.length).toBeGreaterThanOrEqual(2);
    expect(new Set(polled)).toEqual(new Set(['GET /entity/retaildemand']));

    const saleId = sell(harness, '+79995550201');
    await harness.until('the polled sale in amoCRM', () => transactionsOf(harness, saleId).length === 1, 5_000);
    expect(notifiedAbout(harness, saleId)).toEqual([]); // no webhook told us: the poll did

    // The other app removes its webhooks: the next pass registers ours and sales are pushed again.
    for (const hook of foreign) await fetch(`${harness.config.MOYSKLAD_API_URL}/entity/webhook/${String(hook.id)}`, { method: 'DELETE', headers: { Authorization: `Basic ${Buffer.from('admin@demo:sandbox-password').toString('base64')}`, 'Accept-Encoding': 'gzip' } });
    await reconcile(harness);
    expect(await sync(harness)).toMatchObject({ mode: 'webhooks', realtime: { polled: [], webhooks: { present: 18, expected: 18 } } });
    const pushed = sell(harness, '+79995550202');
    await harness.until('the pushed sale in amoCRM', () => transactionsOf(harness, pushed).length === 1, 5_000);
    expect(notifiedAbout(harness, pushed).length).toBeGreaterThan(0);
  });

  for (const refusal of [
    { reason: 'tariff', what: 'the free tariff (30006)', moysklad: { tariff: { webhooks: false } } },
    { reason: 'no_rights', what: 'a МойСклад user without admin rights (30004)', moysklad: { users: [{ login: 'admin@demo', password: 'sandbox-password', isAdmin: false }] } },
  ]) {
    it(`${refusal.what}: every type is polled, with the reason on the status page, and sales and new buyers still arrive`, async () => {
      h = await startSyncHarness(kind, { moysklad: refusal.moysklad, sync: FAST_POLLS });
      const harness = h;
      await harness.settle();
      const status = await sync(harness);
      expect(status.mode).toBe('polling');
      expect(status.realtime.webhooks).toEqual({ present: 0, expected: 18, restored: 0 });
      expect(status.realtime.polled.map((row: { entityType: string }) => row.entityType)).toEqual(SYNCED);
      expect(new Set(status.realtime.polled.map((row: { reason: string }) => row.reason))).toEqual(new Set([refusal.reason]));

      const saleId = sell(harness, '+79995550301');
      await harness.until('the polled sale in amoCRM', () => transactionsOf(harness, saleId).length === 1, 5_000);
      const count = customers(harness).length;
      harness.ms.ui.createCounterparty({ name: 'Новый из МойСклад', companyType: 'individual', phone: '+79995550302' });
      await harness.until('the polled buyer in amoCRM', () => customers(harness).length === count + 1, 5_000);
    });
  }

  it('webhooks exist but deliveries stop arriving: the pass notices sales nobody announced, polls every type, and returns to webhooks once they arrive again', async () => {
    h = await startSyncHarness(kind, { sync: { ...FAST_POLLS, deliveryGraceMs: 1_000 } });
    const harness = h;
    await harness.settle();
    const connectedAt = Number((await harness.database.db.selectFrom('account_sync').select('connected_at').where('account_id', '=', ACCOUNT_ID).executeTakeFirstOrThrow()).connected_at);
    await harness.until('a second after connect', () => Date.now() > connectedAt + 2_000, 5_000);

    harness.ms.faults = { dropWebhookRatio: 1 }; // МойСклад cannot reach us (a firewall, a proxy in between)
    const lost = sell(harness, '+79995550401');
    await harness.until('the lost sale is older than the grace', () => Date.now() > Date.parse(`${String(harness.ms.get('retaildemand', lost).updated).replace(' ', 'T')}+03:00`) + 2_100, 5_000);
    await reconcile(harness);
    expect(transactionsOf(harness, lost)).toHaveLength(1); // the pass itself brings it in
    const failing = await sync(harness);
    expect(failing.mode).toBe('polling');
    expect(failing.realtime.webhooks).toMatchObject({ present: 18, expected: 18 });
    expect(failing.realtime.polled.map((row: { reason: string }) => row.reason)).toEqual(SYNCED.map(() => 'failing'));
    // Meanwhile polling keeps sales on time.
    const polled = sell(harness, '+79995550402');
    await harness.until('a sale arrives by polling', () => transactionsOf(harness, polled).length === 1, 5_000);

    harness.ms.faults = {};
    const pushed = sell(harness, '+79995550403');
    await harness.until('a webhook arrives again', () => notifiedAbout(harness, pushed).some((entry) => entry.outcome === 'delivered'), 5_000);
    await harness.queueIdle();
    const lastEventAt = Date.parse((await sync(harness)).realtime.lastEventAt);
    await harness.until('the grace after the last event has passed', () => Date.now() > lastEventAt + 2_100, 5_000);
    await reconcile(harness);
    expect(await sync(harness)).toMatchObject({ mode: 'webhooks', realtime: { polled: [] } });
  });
});
