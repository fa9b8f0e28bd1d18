import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests only: the client itself never imports the sandbox.
import { MoySkladEmulator } from '../../sandbox/moysklad/emulator.js';
import { MoySkladClient } from './client.js';
import { MoySkladAuthError } from './errors.js';
import { obtainToken } from './obtain-token.js';
import { collect } from './paginate.js';
import { formatRateReport, measureMoySkladRate } from './rate-report.js';
import { MoySkladUserLimiter } from './user-limiter.js';

// timeScale 3: the real 11 requests / 3 s window becomes 11 / 1 s, so 66 calls take ~6 s. Not more compressed: the
// limiter keeps about a tenth of each window in reserve, and at 30 (9 ms between requests, a 10 ms reserve) or 10 an
// event-loop stall of a few tens of ms on a loaded two-core machine bunched the client's well-paced requests on
// arrival, so the emulator rightly refused some (seen in loaded CI runs). At 3 the reserve is 100 ms.
const emu = new MoySkladEmulator({ timeScale: 3 });
let baseUrl = '';
const common = { publicUrl: 'https://proxy.example.com' };

beforeAll(async () => {
  ({ baseUrl } = await emu.listen(0));
});
afterAll(() => emu.close());

describe('МойСклад client against the sandbox emulator', () => {
  it('a burst of 66 calls by one user never trips the emulator limits and finishes near the allowed rate', async () => {
    const limiter = new MoySkladUserLimiter();
    const token = await obtainToken('admin@demo', 'sandbox-password', { ...common, baseUrl, limiter });
    const client = new MoySkladClient({ ...common, baseUrl, token, limiter });
    const report = await measureMoySkladRate(client, 66);
    expect(report.rateLimited + report.parallelLimited).toBe(0);
    const stats = emu.stats()['admin@demo']!;
    expect(stats.rejected429).toBe(0);
    expect(stats.maxParallelSeen).toBeLessThanOrEqual(4);
    expect(emu.maxAcceptedInWindow('admin@demo')).toBeLessThanOrEqual(11);
    expect(report.allowedPerSecond).toBeCloseTo(11 / (emu.windowMs / 1000), 0);
    // Timer and CPU overhead on a shared box cost a part of the rate; at real (3 s) windows it is ~0.9.
    expect(report.utilization).toBeGreaterThan(0.4); // paced, not crawling
    expect(report.utilization).toBeLessThanOrEqual(1);
    console.info(formatRateReport('МойСклад emulator', report));
  });

  it('a new token revokes the old one: the old client gets an auth error and is not retried', async () => {
    const limiter = new MoySkladUserLimiter();
    let lost = 0;
    const oldToken = await obtainToken('admin@demo', 'sandbox-password', { ...common, baseUrl, limiter });
    const client = new MoySkladClient({ ...common, baseUrl, token: oldToken, limiter, onAuthLost: () => void (lost += 1) });
    await client.employeeContext();
    await obtainToken('admin@demo', 'sandbox-password', { ...common, baseUrl, limiter });
    const before = emu.stats()['admin@demo']!.requests;
    await expect(client.employeeContext()).rejects.toBeInstanceOf(MoySkladAuthError);
    expect(lost).toBe(1);
    expect(emu.stats()['admin@demo']!.requests - before).toBeLessThanOrEqual(1);
  });

  it('reads price types and the (seedless) lists, writes an idempotent bonus accrual', async () => {
    const limiter = new MoySkladUserLimiter();
    const token = await obtainToken('admin@demo', 'sandbox-password', { ...common, baseUrl, limiter });
    const client = new MoySkladClient({ ...common, baseUrl, token, limiter });
    expect((await client.catalog.listPriceTypes()).map((t) => t.name)).toContain('Цена продажи');
    const program = emu.ui.createBonusProgram({ name: 'Бонусы', active: true, allAgents: true, earnRateRoublesToPoint: 10, spendRatePointsToRouble: 1, maxPaidRatePercents: 50 });
    const buyer = await client.counterparties.createIndividual({ name: 'Анна', phone: '+79990001122', syncId: crypto.randomUUID() });
    const input = { operationKey: `op-${crypto.randomUUID()}`, counterpartyHref: buyer.meta.href, bonusProgramHref: (program as { meta: { href: string } }).meta.href, transactionType: 'EARNING' as const, bonusValue: 30 };
    const first = await client.bonus.createTransaction(input);
    const again = await client.bonus.createTransaction(input);
    expect(again.id).toBe(first.id);
    expect((await client.counterparties.get(buyer.id)).bonusPoints).toBe(30);
    expect((await collect(client.bonus.iterateTransactions(buyer.meta.href))).length).toBe(1);
  });

  it('walks the catalogue, buyers, till sales, audit deletions and webhooks of a live emulator', async () => {
    const limiter = new MoySkladUserLimiter();
    const token = await obtainToken('admin@demo', 'sandbox-password', { ...common, baseUrl, limiter });
    const client = new MoySkladClient({ ...common, baseUrl, token, limiter });
    const since = new Date(Date.now() - 60_000);
    const folder = emu.ui.createProductFolder({ name: 'Фото' }) as { meta: { href: string } };
    const priceType = (await client.catalog.listPriceTypes()).find((t) => t.name === 'Цена продажи')!;
    const products = Array.from({ length: 120 }, (_, i) =>
      emu.ui.createProduct({ name: `Камера ${i}`, productFolder: { meta: folder.meta }, salePrices: [{ value: 1_000_00 + i, priceType: { meta: priceType.meta } }] }) as { id: string },
    );
    const listed = await collect(client.catalog.iterateProducts({ expand: 'productFolder', filter: [['updated', '>=', since]] }));
    expect(listed.filter((p) => p.name.startsWith('Камера'))).toHaveLength(120);
    expect(listed.find((p) => p.id === products[5]!.id)?.salePrices?.[0]?.value).toBe(1_000_05);
    expect((listed[0]!.productFolder as { name?: string }).name).toBe('Фото');

    const sale = emu.sellAtTill({ buyer: { name: 'Борис', phone: '+79990002233' }, positions: [{ productId: products[0]!.id, quantity: 2 }, { productId: products[1]!.id, quantity: 1 }] });
    const buyers = await collect(client.counterparties.iterateIndividuals(since));
    expect(buyers.map((b) => b.name)).toContain('Борис');
    const demands = await collect(client.retail.iterateRetailDemands({ updatedSince: since }));
    const demand = demands.find((d) => d.id === (sale.retaildemand as { id: string }).id)!;
    expect(demand.allPositions.map((p) => p.quantity).sort()).toEqual([1, 2]);
    expect(demand.sum).toBe(2 * 1_000_00 + 1_000_01);

    const refund = emu.returnAtTill(demand.id);
    const returned = await client.retail.getRetailSalesReturn((refund.retailsalesreturn as { id: string }).id);
    expect(returned.allPositions).toHaveLength(2);
    expect(returned.demand?.meta.href).toContain(demand.id);

    expect(await client.catalog.deleteOrArchiveProduct(products[0]!.id)).toBe('archived'); // sold: 409/1028
    expect(await client.catalog.deleteOrArchiveProduct(products[119]!.id)).toBe('deleted');
    const deletions = await collect(client.audit.iterateDeletions('product', since));
    expect(deletions.map((e) => e.entity?.meta.href.split('/').pop())).toContain(products[119]!.id);

    const hook = `https://proxy.example.com/hooks/ms/${crypto.randomUUID()}`;
    const specs = [{ url: hook, action: 'CREATE' as const, entityType: 'retaildemand' }, { url: hook, action: 'UPDATE' as const, entityType: 'counterparty', diffType: 'FIELDS' as const }];
    expect((await client.webhooks.ensure(specs, 'https://proxy.example.com/hooks/')).created).toHaveLength(2);
    expect((await client.webhooks.ensure(specs, 'https://proxy.example.com/hooks/')).kept).toHaveLength(2);
  });

  it('creating a webhook that already exists (30003) answers with the existing hook instead of failing', async () => {
    const limiter = new MoySkladUserLimiter();
    const token = await obtainToken('admin@demo', 'sandbox-password', { ...common, baseUrl, limiter });
    const client = new MoySkladClient({ ...common, baseUrl, token, limiter });
    const spec = { url: 'https://proxy.example.com/webhooks/moysklad/1/duplicate-test', entityType: 'product', action: 'CREATE' as const };
    const first = await client.webhooks.create(spec);
    const again = await client.webhooks.create(spec);
    expect(again.id).toBe(first.id);
    expect((await client.webhooks.list()).filter((hook) => hook.url === spec.url)).toHaveLength(1);
  });
});
