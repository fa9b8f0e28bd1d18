import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../test-support/databases.js';
import { ACCOUNT_ID, startSyncHarness, SUBDOMAIN, type SyncHarness } from './test-support/sync-harness.js';

type Row = Record<string, unknown>;
const str = (row: Row, key: string) => String(row[key] ?? '');
const customerFieldValue = (customer: { custom_fields_values?: { field_code?: string | null; values?: { value?: unknown }[] | null }[] | null }, code: string) =>
  customer.custom_fields_values?.find((field) => field.field_code === code)?.values?.[0]?.value;

describe.each(DATABASE_KINDS)('sync on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const importDone = (harness: SyncHarness) => harness.importDone(30_000);

  it('connects, imports individuals only, products and past sales, then a till sale reaches amoCRM once', async () => {
    h = await startSyncHarness(kind);
    const harness = h;
    await importDone(harness);

    const individuals = harness.ms.list('counterparty').filter((c: Row) => c.companyType === 'individual' && c.name !== 'Розничный покупатель');
    const customers = harness.amo.store.customers(SUBDOMAIN);
    expect(customers).toHaveLength(individuals.length);
    expect(harness.amo.accountInfo(SUBDOMAIN).customersMode).toBe('segments');
    const fieldCodes = harness.amo.store.customerCustomFields(SUBDOMAIN).map((f: { code?: string | null }) => f.code);
    expect(fieldCodes).toEqual(expect.arrayContaining(['BONUS_CARD', 'BONUS_POINTS']));
    expect(harness.amo.store.catalogElements(SUBDOMAIN)).toHaveLength(harness.ms.list('product').filter((p: Row) => !p.archived).length);
    const pastSales = harness.ms.list('retaildemand').length;
    expect(harness.amo.store.transactions(SUBDOMAIN)).toHaveLength(pastSales);
    expect(harness.ms.list('webhook').length).toBeGreaterThanOrEqual(18);

    // A sale at the till: webhooks → jobs → a purchase with catalog elements, a note, the points field.
    const buyer = { id: str(individuals[0]!, 'id') };
    const productRow = harness.ms.list('product').find((p: Row) => !p.archived)!;
    const product = { id: str(productRow, 'id'), name: str(productRow, 'name') };
    const sale = harness.ms.sellAtTill({ buyer: { id: buyer.id }, positions: [{ productId: product.id, quantity: 2 }] });
    const saleId = str(sale.retaildemand, 'id');
    await harness.until('the sale as an amoCRM purchase', () => harness.amo.store.transactions(SUBDOMAIN).some((t: { comment?: string | null }) => t.comment?.includes(saleId)));
    await harness.until('the sale note', () => harness.amo.store.notes(SUBDOMAIN).some((n: { params?: { text?: string } }) => n.params?.text?.includes(saleId)));

    const customerId = Number(await harness.database.db.selectFrom('links').select('amo_id').where('kind', '=', 'counterparty').where('moysklad_id', '=', buyer.id).executeTakeFirstOrThrow().then((r) => r.amo_id));
    const transaction = harness.amo.store.transactions(SUBDOMAIN, customerId).find((t: { comment?: string | null }) => t.comment?.includes(saleId)) as { _embedded?: { catalog_elements?: { metadata?: { quantity?: number } }[] } };
    expect(transaction._embedded?.catalog_elements?.[0]?.metadata?.quantity).toBe(2);
    const note = harness.amo.store.notes(SUBDOMAIN, customerId).find((n: { params?: { text?: string } }) => n.params?.text?.includes(saleId)) as { params: { text: string } };
    expect(note.params.text).toContain(product.name);

    const points = Number(harness.ms.get('counterparty', buyer.id).bonusPoints ?? 0);
    await harness.until('points field refreshed', () => String(customerFieldValue(harness.amo.store.customer(SUBDOMAIN, customerId) as never, 'BONUS_POINTS')) === String(points));
    // The read model is written right after amoCRM's two PATCHes (customer, then contact): wait for it too.
    await harness.until('read model points refreshed', async () => {
      const readModel = await harness.database.db.selectFrom('buyers').selectAll().where('moysklad_id', '=', buyer.id).executeTakeFirstOrThrow();
      return Number(readModel.points) === points;
    });

    // Replays change nothing: the same webhooks again (duplicates) and a reconciliation pass.
    await harness.proxy.context.queue.enqueue({ kind: 'sync.entity', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID, entityType: 'retaildemand', id: saleId, action: 'UPDATE' } });
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.until('queue drained', async () => (await harness.proxy.context.queue.counts(ACCOUNT_ID)).pending === 0 && (await harness.proxy.context.queue.counts(ACCOUNT_ID)).running === 0);
    expect(harness.amo.store.transactions(SUBDOMAIN).filter((t: { comment?: string | null }) => t.comment?.includes(saleId))).toHaveLength(1);
    expect(harness.amo.store.notes(SUBDOMAIN).filter((n: { params?: { text?: string } }) => n.params?.text?.includes(saleId))).toHaveLength(1);
    expect(harness.amo.store.customers(SUBDOMAIN)).toHaveLength(individuals.length);
  });
});
