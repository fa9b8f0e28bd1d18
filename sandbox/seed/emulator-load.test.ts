import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MoySkladEmulator } from '../moysklad/emulator.js';
import { generateSeed } from './generate.js';
import type { Seed } from './types.js';

const AUTH = `Basic ${Buffer.from('admin@demo:sandbox-password').toString('base64')}`;

describe('seed loaded into the МойСклад emulator', () => {
  const emu = new MoySkladEmulator();
  let baseUrl = '';
  let seed: Seed;

  // The real JSON API as the proxy would call it (Basic auth, gzip).
  async function getJson(path: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(`${baseUrl}${path}`, { headers: { Authorization: AUTH, 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    return res.json();
  }

  beforeAll(async () => {
    ({ baseUrl } = await emu.listen(0));
    seed = generateSeed({ seed: 21, baseUrl, buyers: 25, sales: 40 });
    emu.load(seed);
  });
  afterAll(() => emu.close());

  it('serves exactly the seed individuals through filter=companyType=individual', async () => {
    const page = await getJson(`/entity/counterparty?filter=${encodeURIComponent('companyType=individual')}&limit=1000`);
    const expected = seed.counterparties.filter((c) => c.companyType === 'individual');
    expect(page.meta.size).toBe(expected.length);
    expect(page.rows.map((r: { id: string }) => r.id).sort()).toEqual(expected.map((c) => c.id).sort());
    expect(page.rows.some((r: { name: string }) => r.name === 'Розничный покупатель')).toBe(false);
  });

  it('keeps balances, sales totals, product paths and sale sums as generated', async () => {
    const buyer = seed.counterparties.find((c) => c.companyType === 'individual' && c.salesAmount > 0);
    expect(buyer).toBeDefined();
    const loaded = await getJson(`/entity/counterparty/${buyer!.id}`);
    expect(loaded.bonusPoints).toBe(buyer!.bonusPoints);
    expect(loaded.salesAmount).toBe(buyer!.salesAmount);

    const product = seed.products.find((p) => p.pathName.includes('/'))!;
    const loadedProduct = await getJson(`/entity/product/${product.id}`);
    expect(loadedProduct.pathName).toBe(product.pathName);
    expect(loadedProduct.salePrices.map((p: { value: number }) => p.value)).toEqual(product.salePrices.map((p) => p.value));

    const sale = seed.retaildemands[seed.retaildemands.length - 1]!;
    const loadedSale = await getJson(`/entity/retaildemand/${sale.id}?expand=positions`);
    expect(loadedSale.sum).toBe(sale.sum);
    expect(loadedSale.positions.rows).toHaveLength(sale.positions.rows.length);
  });

  it('lists every seeded bonus transaction and keeps them linked to their sales', async () => {
    const page = await getJson('/entity/bonustransaction?limit=1000');
    expect(page.meta.size).toBe(seed.bonustransactions.length);
    const linked = page.rows.filter((r: { parentDocument?: unknown }) => r.parentDocument);
    expect(linked.length).toBe(seed.bonustransactions.filter((t) => t.parentDocument).length);
  });

  it('loads a few products with modifications, sellable at the till at their own or their product\'s price', async () => {
    expect(seed.variants.length).toBeGreaterThanOrEqual(6); // 3 products × 2–3 modifications
    const page = await getJson('/entity/variant?limit=1000');
    expect(page.rows.map((r: { id: string }) => r.id)).toEqual(seed.variants.map((v) => v.id));
    const first = seed.variants[0]!;
    const loaded = page.rows[0];
    expect(loaded.name).toBe(first.name);
    expect(loaded.characteristics.map((c: { name: string; value: string }) => [c.name, c.value])).toEqual(first.characteristics.map((c) => [c.name, c.value]));
    const productId = first.product.meta.href.split('/').pop()!;
    expect((await getJson(`/entity/product/${productId}`)).variantsCount).toBe(seed.variants.filter((v) => v.product.meta.href === first.product.meta.href).length);
    const own = seed.variants.find((v) => v.salePrices)!;
    const sale = emu.sellAtTill({ buyer: { name: 'Покупатель модификации', phone: '+79995550000' }, positions: [{ variantId: own.id, quantity: 1 }, { variantId: first.id, quantity: 1 }] });
    const product = seed.products.find((p) => p.id === productId)!;
    expect((sale.retaildemand.positions as { rows: Array<{ price: number }> }).rows.map((r) => r.price)).toEqual([own.salePrices![0]!.value, product.salePrices[0]!.value]);
  });
});
