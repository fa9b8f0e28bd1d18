import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { parseMoscow } from '../../moysklad/moscow-time.js';
import { entityJob, accountLifecycleJob, SYNC_JOBS } from '../jobs.js';
import { contacts, customers } from '../test-support/amo-state.js';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

type Row = Record<string, unknown>;

/** What the proxy asked of the amoCRM emulator since `from` (its own request log; UI calls left out). */
function amoCalls(h: SyncHarness, from: number) {
  // Accepted calls only: a 429 is retried (and counted by the limiter tests), not a request of the operation.
  return h.amo.requestLog(SUBDOMAIN).filter((entry) => !entry.ui && entry.at >= from && entry.status < 400);
}
const writes = (calls: ReturnType<typeof amoCalls>) => calls.filter((entry) => entry.method !== 'GET');

async function reconcileNow(h: SyncHarness): Promise<void> {
  await h.proxy.context.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, ACCOUNT_ID));
  await h.queueIdle();
  await expect.poll(async () => (await h.database.db.selectFrom('jobs').select('id').where('kind', '=', SYNC_JOBS.reconcile).where('state', 'in', ['available', 'running']).execute()).length).toBe(0);
}

/** A spreadsheet import in МойСклад: one bulk request changing every product (the same second), through the API. */
async function bulkReprice(h: SyncHarness, products: Row[], baseUrl: string): Promise<void> {
  const body = products.map((product) => ({
    meta: product.meta,
    salePrices: (product.salePrices as Array<{ value: number; priceType: unknown }>).map((price) => ({ ...price, value: price.value + 100 })),
  }));
  const answer = await fetch(`${baseUrl}/entity/product`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('admin@demo:sandbox-password').toString('base64')}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
    body: JSON.stringify(body),
  });
  expect(answer.status).toBe(200);
}

describe.each(DATABASE_KINDS)('every request earns its place, on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('an idle reconciliation pass and an event that changed nothing we write make no amoCRM write', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 8, legalEntities: 1, entrepreneurs: 0, products: 6, sales: 10 } });
    await h.settle();
    const from = Date.now();
    await reconcileNow(h);
    expect(writes(amoCalls(h, from))).toEqual([]);

    // A field we do not sync changes in МойСклад (its webhook comes): the buyer is read, nothing is written.
    const buyer = h.ms.list('counterparty').find((c) => c.companyType === 'individual' && c.name !== 'Розничный покупатель')!;
    h.ms.ui.updateCounterparty(String(buyer.id), { description: 'позвонить в пятницу' });
    await h.queueIdle();
    expect(writes(amoCalls(h, from))).toEqual([]);
  });

  it('a same-second bulk of 500 products is applied once and then never read again', async () => {
    // МойСклад's business clock is held still while the bulk is applied, so all 500 land in one second whatever the
    // machine's load (a spreadsheet import does that; a loaded CI machine could otherwise spread them over two).
    let heldAt: number | null = null;
    h = await startSyncHarness(kind, { seed: { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 500, sales: 0 }, moysklad: { now: () => heldAt ?? Date.now() } });
    await h.settle();
    const baseUrl = new URL(String((h.ms.list('product')[0]!.meta as { href: string }).href)).href.replace(/\/entity\/product\/.*$/, '');
    h.ms.faults = { dropWebhookRatio: 1 }; // as if МойСклад's webhooks were lost: reconciliation has to find them
    heldAt = Math.floor(Date.now() / 1000) * 1000 + 500;
    await bulkReprice(h, h.ms.list('product'), baseUrl);
    heldAt = null;
    await h.ms.webhooksSettled();
    h.ms.faults = {};
    const seconds = new Set(h.ms.list('product').map((p) => String(p.updated).slice(0, 19)));
    expect(seconds.size).toBe(1); // one second, as a spreadsheet import does it

    const first = Date.now();
    await reconcileNow(h);
    // Pass 1 writes every changed element, 250 a request, and reads no catalog field (the GROUP tree is cached).
    expect(writes(amoCalls(h, first)).map((call) => [call.method, call.route, call.items])).toEqual([
      ['PATCH', '/api/v4/catalogs/{id}/elements', 250],
      ['PATCH', '/api/v4/catalogs/{id}/elements', 250],
    ]);
    expect(amoCalls(h, first).filter((call) => call.route.includes('custom_fields'))).toEqual([]);

    // Pass 2, right after: the overlap is read again, nothing is applied or written.
    const second = Date.now();
    await reconcileNow(h);
    expect(writes(amoCalls(h, second))).toEqual([]);

    // A minute later (the read has settled): the products stream starts after that second and reads no row of it.
    await h.database.db.updateTable('sync_streams').set((eb) => ({ reached_end_at: eb('reached_end_at', '+', 61_000) })).where('stream', '=', 'reconcile.product').execute();
    const third = Date.now();
    await reconcileNow(h);
    const productReads = h.ms.requestLog.filter((entry) => entry.at >= third && entry.method === 'GET' && entry.path === '/entity/product');
    expect(productReads).toHaveLength(1);
    const filter = String(productReads[0]!.query.filter ?? '');
    const from = /updated>=([^;]+)/.exec(filter)?.[1];
    expect(from).toBeDefined();
    expect(parseMoscow(from!).getTime()).toBeGreaterThan(parseMoscow([...seconds][0]!).getTime());
    expect(writes(amoCalls(h, third))).toEqual([]);
  });

  it('three jobs for a new buyer at once (its counterparty, sale and bonus operation) make one customer and one contact', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 0 } });
    await h.settle();
    const product = h.ms.list('product')[0]!;
    h.ms.faults = { dropWebhookRatio: 1 }; // the three jobs are made below, all at once and with no delay
    const sale = h.ms.sellAtTill({ buyer: { name: 'Ольга Новикова', phone: '+79995551234' }, positions: [{ productId: String(product.id), quantity: 1 }] });
    await h.ms.webhooksSettled();
    // Latency on both sides, so the three jobs overlap between their reads and their amoCRM creates.
    h.ms.faults = { latencyMs: 40 };
    h.amo.faults = { latencyMs: 80 };
    const buyerId = String(sale.counterparty.id);
    const queue = h.proxy.context.queue;
    const jobs = [
      entityJob({ accountId: ACCOUNT_ID, entityType: 'counterparty', id: buyerId, action: 'CREATE' }),
      entityJob({ accountId: ACCOUNT_ID, entityType: 'retaildemand', id: String(sale.retaildemand.id), action: 'CREATE' }),
      ...sale.bonusTransactions.map((tx) => entityJob({ accountId: ACCOUNT_ID, entityType: 'bonustransaction', id: String(tx.id), action: 'CREATE' })),
    ];
    await Promise.all(jobs.map((job) => queue.enqueue(job)));
    await h.queueIdle();
    h.ms.faults = {};
    h.amo.faults = {};

    const mine = customers(h).filter((customer) => JSON.stringify(customer.custom_fields_values ?? []).includes(buyerId));
    expect(mine).toHaveLength(1);
    expect(contacts(h).filter((contact) => JSON.stringify(contact.custom_fields_values ?? []).includes('79995551234'))).toHaveLength(1);
    expect(await h.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });

  it('a manual accrual in the widget costs amoCRM two requests: the note and the points field', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 2, sales: 2 } });
    await h.settle();
    const [moyskladId, customerId] = [...(await h.links('counterparty')).entries()][0]!;
    const from = Date.now();
    const answer = await h.widget('POST', `/api/widget/customers/${customerId}/bonus`, { headers: { 'Idempotency-Key': 'accrual-1' }, body: { operation: 'accrue', amount: 40, comment: 'за отзыв' } });
    expect(answer.status).toBe(200);
    const expected = (h.ms.get('counterparty', moyskladId) as { bonusPoints: number }).bonusPoints;
    await expect.poll(() => Number((customers(h!).find((c) => c.id === customerId)?.custom_fields_values as Array<{ field_code: string; values: Array<{ value: unknown }> }>).find((f) => f.field_code === 'BONUS_POINTS')?.values[0]?.value)).toBe(expected);
    await h.queueIdle();
    expect(amoCalls(h, from).map((call) => [call.method, call.route])).toEqual(
      expect.arrayContaining([
        ['POST', '/api/v4/customers/{id}/notes'],
        ['PATCH', '/api/v4/customers'],
      ]),
    );
    // The note names the user: their name is read once and cached per account; the writes are the two above.
    expect(writes(amoCalls(h, from))).toHaveLength(2);
    expect(amoCalls(h, from).filter((call) => call.method === 'GET').map((call) => call.route)).toEqual(['/api/v4/users/{id}']);

    // The next accrual by the same user: exactly two amoCRM requests in all.
    const next = Date.now();
    expect((await h.widget('POST', `/api/widget/customers/${customerId}/bonus`, { headers: { 'Idempotency-Key': 'accrual-2' }, body: { operation: 'accrue', amount: 5 } })).status).toBe(200);
    const points = (h.ms.get('counterparty', moyskladId) as { bonusPoints: number }).bonusPoints;
    await expect.poll(() => Number((customers(h!).find((c) => c.id === customerId)?.custom_fields_values as Array<{ field_code: string; values: Array<{ value: unknown }> }>).find((f) => f.field_code === 'BONUS_POINTS')?.values[0]?.value)).toBe(points);
    await h.queueIdle();
    expect(amoCalls(h, next).map((call) => [call.method, call.route]).sort()).toEqual([
      ['PATCH', '/api/v4/customers'],
      ['POST', '/api/v4/customers/{id}/notes'],
    ]);
  });

  it('the import sends its amoCRM writes at 250 a request, as seen on the emulator’s wire', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 600, legalEntities: 0, entrepreneurs: 0, products: 260, sales: 300 } });
    await h.importDone(60_000);
    await h.queueIdle(60_000);
    const calls = amoCalls(h, 0);
    const sizes = (method: string, route: string) => calls.filter((call) => call.method === method && call.route === route).map((call) => call.items);
    expect(sizes('POST', '/api/v4/customers')).toEqual([250, 250, 100]);
    expect(sizes('POST', '/api/v4/contacts')).toEqual([250, 250, 100]);
    expect(sizes('POST', '/api/v4/customers/link')).toEqual([250, 250, 100]);
    expect(sizes('POST', '/api/v4/catalogs/{id}/elements')).toEqual([250, 10]);
    expect(sizes('POST', '/api/v4/customers/notes')).toEqual([250, 50]);
    // One purchases request per buyer with sales, carrying all of that buyer's purchases.
    const buyersWithSales = new Set(h.ms.list('retaildemand').map((sale) => String((sale.agent as { meta: { href: string } }).meta.href).split('/').pop()));
    const purchases = calls.filter((call) => call.method === 'POST' && call.route === '/api/v4/customers/{id}/transactions');
    expect(purchases).toHaveLength(buyersWithSales.size);
    expect(purchases.reduce((sum, call) => sum + (call.items ?? 0), 0)).toBe(300);
  });
});
