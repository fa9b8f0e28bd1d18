import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { contacts, customers, duplicates, elements, fieldValue, notesOf, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 3, legalEntities: 1, entrepreneurs: 0, products: 3, sales: 2 };

type Row = Record<string, unknown>;
const isPerson = (c: Row) => c.companyType === 'individual' && c.name !== 'Розничный покупатель';

/** Till sales for new buyers (each fires counterparty, retaildemand and bonus webhooks at once) and a known one. */
function sellSome(h: SyncHarness, count: number, tag: string): string[] {
  const products = h.ms.list('product').filter((p) => !p.archived);
  const known = h.ms.list('counterparty').find(isPerson)!;
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const buyer = i % 3 === 2 ? { id: String(known.id) } : { name: `Покупатель ${tag}-${i}`, phone: `+7999${tag}${String(i).padStart(4, '0')}`.slice(0, 12) };
    const sale = h.ms.sellAtTill({ buyer, positions: [{ productId: String(products[i % products.length]!.id), quantity: 1 + (i % 2) }] });
    ids.push(String(sale.retaildemand.id));
  }
  return ids;
}

/** Every source entity exactly once in amoCRM: customers, contacts, elements, transactions and notes. */
async function expectExactlyOnce(h: SyncHarness, saleIds: string[]): Promise<void> {
  const people = h.ms.list('counterparty').filter(isPerson);
  const allCustomers = customers(h);
  expect(duplicates(allCustomers.map((c) => String(fieldValue(c, 'MOYSKLAD_ID'))))).toEqual([]);
  expect(allCustomers).toHaveLength(people.length);
  const customerLinks = await h.links('counterparty');
  for (const person of people) expect(customerLinks.has(String(person.id)), `buyer ${String(person.name)} linked`).toBe(true);
  expect(contacts(h)).toHaveLength(people.length);
  const products = h.ms.list('product').filter((p) => !p.archived);
  expect(duplicates(elements(h).map((e) => String(fieldValue(e, 'EXTERNAL_ID'))))).toEqual([]);
  expect(elements(h)).toHaveLength(products.length);
  for (const saleId of saleIds) {
    expect(transactionsOf(h, saleId), `transactions of ${saleId}`).toHaveLength(1);
    expect(notesOf(h, saleId), `notes of ${saleId}`).toHaveLength(1);
  }
  const failed = await h.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute();
  expect(failed).toEqual([]);
}

describe.each(DATABASE_KINDS)('webhook delivery faults on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('duplicated, reordered and replayed webhooks plus a reconcile pass: everything exactly once', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    harness.ms.faults = { duplicateWebhookRatio: 1, reorderWebhooks: true, reorderWindowMs: 40 };
    const saleIds = sellSome(harness, 6, '11');
    harness.ms.ui.createProduct({ name: 'Карта памяти 128 ГБ', article: 'SD-128' });
    harness.ms.ui.createCounterparty({ name: 'Белова Ирина', companyType: 'individual', phone: '+79990007788' });
    await harness.queueIdle();
    expect(harness.ms.webhookLog.some((entry) => entry.duplicate)).toBe(true);

    // A replay: the same events again under new requestIds (МойСклад re-sent them, or a proxy restored a backup).
    harness.ms.faults = {};
    for (const entry of harness.ms.webhookLog.filter((e) => e.outcome === 'delivered')) {
      const url = new URL(entry.url);
      url.searchParams.set('requestId', randomUUID());
      const answer = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(entry.payload) });
      expect(answer.status).toBe(200);
    }
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    await expectExactlyOnce(harness, saleIds);
  });

  it('a new buyer\'s till sale made after a pass read the buyers but before it read the sales: that pass writes it', async () => {
    // The sale's buyer is unknown when the sales stream reads the sale, and the buyers stream has passed already:
    // unless the sale's own buyer is synced with it, the stream moves on and no later pass reads that sale again.
    h = await startSyncHarness(kind, { seed: SMALL_SEED, sync: { reconcileIntervalMs: 60_000 } });
    const harness = h;
    await harness.settle();
    let saleId: string | undefined;
    harness.ms.faults = {
      dropWebhookRatio: 1,
      beforeRequest: (request) => {
        if (saleId === undefined && request.method === 'GET' && request.path === '/entity/retaildemand') saleId = sellSome(harness, 1, '33')[0];
      },
    };
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    expect(saleId).toBeDefined();
    await expectExactlyOnce(harness, [saleId!]);
  });

  it('dropped webhooks: the scheduled reconciliation restores every sale and buyer', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED, sync: { reconcileIntervalMs: 60_000 } });
    const harness = h;
    await harness.settle();
    harness.ms.faults = { dropWebhookRatio: 1 };
    const saleIds = sellSome(harness, 5, '22');
    harness.ms.ui.createCounterparty({ name: 'Гусев Артём', companyType: 'individual', email: 'artem@gusev.ru' });
    harness.ms.ui.createProduct({ name: 'Чехол для планшета', article: 'CASE-1' });
    await harness.queueIdle();
    expect(harness.ms.webhookLog.filter((e) => e.outcome === 'delivered').length).toBe(0);
    expect(saleIds.every((id) => transactionsOf(harness, id).length === 0)).toBe(true);

    // Time passes: the scheduler's next reconciliation is due (its interval compressed by restarting its clock).
    await harness.sync.scheduler.tick(Date.now() + 61_000);
    await harness.queueIdle();
    await expectExactlyOnce(harness, saleIds);
    const buyers = await harness.database.db.selectFrom('buyers').select(['moysklad_id', 'purchase_count']).where('account_id', '=', ACCOUNT_ID).execute();
    for (const id of saleIds) {
      const agent = String((harness.ms.get('retaildemand', id).agent as { meta: { href: string } }).meta.href.split('/').pop());
      expect(Number(buyers.find((b) => b.moysklad_id === agent)?.purchase_count ?? 0)).toBeGreaterThan(0);
    }
  });
});
