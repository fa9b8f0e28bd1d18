import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_IDS } from '../../../sandbox/moysklad/emulator.js';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { elements, fieldValue } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, SUBDOMAIN, type SyncHarness } from '../test-support/sync-harness.js';

const SEED = { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 6, sales: 1 };

type Price = { value: number; priceType: { id: string } };
type Wire = { method: string; route: string; items?: number; ui?: boolean };

describe.each(DATABASE_KINDS)('repricing after a price-type change on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** The widget's own calls (the harness gives each a fresh amoCRM disposable token of the admin). */
  const widget = async (harness: SyncHarness, method: string, path: string, body?: unknown) => {
    const answer = await harness.widget(method, `/api/widget${path}`, body === undefined ? {} : { body });
    expect(answer.status, `${method} ${path}`).toBe(200);
    return answer.json as Record<string, unknown>;
  };

  it('reprices the whole catalog as a bulk job with progress in the status, reporting products without such a price', async () => {
    h = await startSyncHarness(kind, { seed: SEED });
    const harness = h;
    await harness.settle();
    const products = harness.ms.list('product').filter((p) => !p.archived);
    const priceOf = (product: Record<string, unknown>, typeId: string) => (product.salePrices as Price[]).find((p) => p.priceType.id === typeId)!.value;
    // A product with only a retail price: МойСклад shows its wholesale price as 0.
    const bare = products[0]!;
    const baseUrl = String((bare.meta as { href: string }).href).replace(/\/entity\/.*$/, '');
    const retail = { meta: { href: `${baseUrl}/context/companysettings/pricetype/${FIXED_IDS.priceTypeSale}`, type: 'pricetype' } };
    harness.ms.ui.updateProduct(String(bare.id), { salePrices: [{ value: priceOf(bare, FIXED_IDS.priceTypeSale), priceType: retail }] });
    await harness.queueIdle();
    const links = await harness.links('product');
    const price = (id: string) => Number(fieldValue(elements(harness).find((e) => e.id === links.get(id))!, 'PRICE'));
    for (const product of products) expect(price(String(product.id))).toBe(priceOf(product, FIXED_IDS.priceTypeSale) / 100);
    expect((await widget(harness, 'GET', '/sync')).reprice).toBeNull();

    // The admin picks the wholesale price type on the settings page.
    const logFrom = harness.amo.requestLog(SUBDOMAIN).length;
    const settings = await widget(harness, 'GET', '/settings');
    const { priceTypes: _types, ...values } = settings;
    await widget(harness, 'PUT', '/settings', { ...values, priceTypeId: FIXED_IDS.priceTypeWholesale });
    await harness.queueIdle();

    const fresh = harness.ms.list('product').filter((p) => !p.archived);
    for (const product of fresh.filter((p) => p.id !== bare.id)) expect(price(String(product.id))).toBe(priceOf(product, FIXED_IDS.priceTypeWholesale) / 100);
    // No price of that type: left empty, not 0, and named on the status page.
    expect(fieldValue(elements(harness).find((e) => e.id === links.get(String(bare.id)))!, 'PRICE')).toBeUndefined();
    const status = (await widget(harness, 'GET', '/sync')).reprice as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'done', priceTypeId: FIXED_IDS.priceTypeWholesale, unpricedCount: 1, unpriced: [{ moyskladId: String(bare.id), name: String(bare.name) }], finishedAt: expect.any(String) });
    expect(status.done).toBe(status.total);
    expect(Number(status.done)).toBeGreaterThanOrEqual(fresh.length);
    // Every element in one PATCH (250 a request), nothing else written.
    const writes = (harness.amo.requestLog(SUBDOMAIN) as Wire[]).slice(logFrom).filter((entry) => !entry.ui && entry.method !== 'GET');
    expect(writes.map((entry) => [entry.method, entry.route, entry.items])).toEqual([['PATCH', '/api/v4/catalogs/{id}/elements', fresh.length]]);

    // Saving the same price type again starts nothing; a repeated pass (a retried job) writes nothing.
    const again = harness.amo.requestLog(SUBDOMAIN).length;
    await widget(harness, 'PUT', '/settings', { ...values, priceTypeId: FIXED_IDS.priceTypeWholesale });
    await harness.queueIdle();
    const jobs = await harness.database.db.selectFrom('jobs').select('state').where('kind', '=', 'sync.reprice').execute();
    expect(jobs.map((job) => job.state)).toEqual(['completed']);
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reprice', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID, priceTypeId: FIXED_IDS.priceTypeWholesale } });
    await harness.queueIdle();
    expect((harness.amo.requestLog(SUBDOMAIN) as Wire[]).slice(again).filter((entry) => !entry.ui && entry.method !== 'GET')).toEqual([]);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});
