import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { notesOf, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SEED = { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 4, sales: 1, productsWithVariants: 2 };

type Ref = { meta: { href: string } };
const idOf = (ref: unknown) => (ref as Ref).meta.href.split('/').pop()!;

describe.each(DATABASE_KINDS)('modifications (variants) on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('attaches a sold modification to its product\'s catalog element, live and through the reconciliation', async () => {
    h = await startSyncHarness(kind, { seed: SEED });
    const harness = h;
    await harness.settle();
    const variants = harness.ms.list('variant');
    const [first, second] = [variants[0]!, variants.find((v) => idOf(v.product) !== idOf(variants[0]!.product))!];
    const products = await harness.links('product');
    const elementOf = (variant: Record<string, unknown>) => products.get(idOf(variant.product))!;
    expect(elementOf(first)).toBeDefined();
    expect(elementOf(second)).toBeDefined();
    // Modifications are no catalog elements of their own: only products are.
    expect([...products.keys()]).not.toContain(String(first.id));

    // Live: a till sale of a modification and of another product's modification.
    const sale = harness.ms.sellAtTill({ buyer: { name: 'Орлова Дарья', phone: '+79995550707' }, positions: [{ variantId: String(first.id), quantity: 2 }, { variantId: String(second.id), quantity: 1 }] });
    const saleId = String(sale.retaildemand.id);
    await harness.queueIdle();
    const [purchase] = transactionsOf(harness, saleId);
    expect(elementsOf(purchase!)).toEqual(new Map([[elementOf(first), 2], [elementOf(second), 1]]));
    // The note names the modifications as sold; the read model knows each line's product.
    expect(notesOf(harness, saleId)[0]!.params!.text).toContain(`${String(first.name)} — 2 ×`);
    const items = await harness.database.db.selectFrom('purchase_items').select(['assortment_id', 'product_id']).where('account_id', '=', ACCOUNT_ID).where('purchase_id', '=', saleId).orderBy('position').execute();
    expect(items).toEqual([
      { assortment_id: String(first.id), product_id: idOf(first.product) },
      { assortment_id: String(second.id), product_id: idOf(second.product) },
    ]);

    // Bulk: a sale whose webhooks were lost, found by the reconciliation.
    harness.ms.faults = { dropWebhookRatio: 1 };
    const quiet = harness.ms.sellAtTill({ buyer: { id: String(sale.counterparty.id) }, positions: [{ variantId: String(second.id), quantity: 3 }] });
    await harness.ms.webhooksSettled();
    harness.ms.faults = {};
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    expect(elementsOf(transactionsOf(harness, String(quiet.retaildemand.id))[0]!)).toEqual(new Map([[elementOf(second), 3]]));
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});

function elementsOf(transaction: Record<string, unknown>): Map<number, number> {
  const embedded = (transaction as { _embedded?: { catalog_elements?: { id: number; metadata: { quantity: number } }[] } })._embedded;
  return new Map((embedded?.catalog_elements ?? []).map((element) => [element.id, element.metadata.quantity]));
}
