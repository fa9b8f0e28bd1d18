import { describe, expect, it } from 'vitest';
import { maxSpendablePoints, pointsToKopecks } from './bonus-math.js';
import { generateSeed } from './generate.js';
import { parseMoscowString } from './moscow-time.js';
import { BIG_SEED_SIZES } from './options.js';
import type { Seed } from './types.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MSK = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const idOf = (href: string) => href.slice(href.lastIndexOf('/') + 1);

describe('generateSeed determinism', () => {
  it('gives byte-identical JSON for the same options', () => {
    const a = JSON.stringify(generateSeed({ seed: 7 }));
    const b = JSON.stringify(generateSeed({ seed: 7 }));
    expect(a).toBe(b);
  });

  it('gives different data for a different seed', () => {
    const a = generateSeed({ seed: 7 });
    const b = generateSeed({ seed: 8 });
    expect(a.counterparties.map((c) => c.id)).not.toEqual(b.counterparties.map((c) => c.id));
    expect(a.retaildemands.map((d) => d.sum)).not.toEqual(b.retaildemands.map((d) => d.sum));
  });

  it('keeps buyers stable when only the number of sales changes (independent streams)', () => {
    const few = generateSeed({ seed: 3, sales: 5 });
    const many = generateSeed({ seed: 3, sales: 50 });
    expect(many.products).toEqual(few.products);
    expect(many.counterparties.map((c) => [c.id, c.name, c.phone])).toEqual(
      few.counterparties.map((c) => [c.id, c.name, c.phone]),
    );
  });

  it('rejects invalid options with a readable message', () => {
    expect(() => generateSeed({ buyers: -1 })).toThrow(/Invalid seed options[\s\S]*buyers/);
    expect(() => generateSeed({ folderDepth: 4 })).toThrow(/folderDepth/);
  });
});

describe('generateSeed invariants', () => {
  const seed: Seed = generateSeed({ seed: 11, buyers: 60, sales: 300 });
  const byId = new Map(seed.counterparties.map((c) => [c.id, c]));

  it('has the requested sizes and the counterparty kinds that must never sync', () => {
    const kinds = seed.counterparties.map((c) => c.companyType);
    expect(kinds.filter((k) => k === 'individual')).toHaveLength(60);
    expect(kinds.filter((k) => k === 'entrepreneur')).toHaveLength(4);
    // 6 legal entities plus «Розничный покупатель».
    expect(kinds.filter((k) => k === 'legal')).toHaveLength(7);
    const retail = seed.counterparties.find((c) => c.name === 'Розничный покупатель');
    expect(retail?.companyType).toBe('legal');
    expect(retail?.id).toBe(seed.references.retailCustomerId);
    expect(seed.products).toHaveLength(30);
    expect(seed.retaildemands).toHaveLength(300);
  });

  it('uses v4 UUIDs, unique across all entities', () => {
    const ids = [
      ...seed.counterparties, ...seed.products, ...seed.productfolders, ...seed.retaildemands,
      ...seed.bonustransactions, ...seed.retaildemands.flatMap((d) => d.positions.rows),
    ].map((e) => e.id);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives buyers Russian names, +7 phones, unique phones and card numbers', () => {
    const buyers = seed.counterparties.filter((c) => c.companyType === 'individual');
    const phoneDigits = buyers.map((b) => (b.phone ?? '').replace(/\D/g, ''));
    for (const digits of phoneDigits) expect(digits).toMatch(/^79\d{9}$/);
    expect(new Set(phoneDigits).size).toBe(buyers.length);
    for (const b of buyers) {
      expect(b.name).toMatch(/^[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+$/);
      expect(b.phone).toMatch(/^\+7/);
    }
    const cards = buyers.flatMap((b) => (b.discountCardNumber ? [b.discountCardNumber] : []));
    expect(cards.length).toBeGreaterThan(buyers.length / 2);
    expect(new Set(cards).size).toBe(cards.length);
    expect(buyers.some((b) => b.email) && buyers.some((b) => !b.email)).toBe(true);
  });

  it('builds a consistent folder tree: pathName is the parent path, products carry the full path', () => {
    const folders = new Map(seed.productfolders.map((f) => [f.id, f]));
    const fullPath = (id: string): string => {
      const f = folders.get(id);
      if (!f) throw new Error(`unknown folder ${id}`);
      return f.pathName ? `${f.pathName}/${f.name}` : f.name;
    };
    for (const folder of seed.productfolders) {
      if (!folder.productFolder) {
        expect(folder.pathName).toBe('');
        continue;
      }
      expect(folder.pathName).toBe(fullPath(idOf(folder.productFolder.meta.href)));
    }
    expect(seed.productfolders.some((f) => f.pathName === 'Фототовары' && f.name === 'Камеры')).toBe(true);
    expect(seed.productfolders.some((f) => f.pathName === 'Фототовары/Аксессуары для фото')).toBe(true);
    for (const product of seed.products) {
      expect(product.pathName).toBe(fullPath(idOf(product.productFolder.meta.href)));
    }
  });

  it('cuts the folder tree at folderDepth', () => {
    const flat = generateSeed({ seed: 11, folderDepth: 1 });
    expect(flat.productfolders.every((f) => !f.productFolder && f.pathName === '')).toBe(true);
    expect(flat.products.every((p) => !p.pathName.includes('/'))).toBe(true);
  });

  it('keeps all money in integer kopecks and several price types per product', () => {
    for (const product of seed.products) {
      expect(product.salePrices.map((p) => p.priceType.name)).toEqual(seed.pricetypes.map((t) => t.name));
      for (const price of [...product.salePrices.map((p) => p.value), product.buyPrice.value]) {
        expect(Number.isInteger(price) && price > 0).toBe(true);
      }
    }
    for (const sale of seed.retaildemands) {
      for (const value of [sale.sum, sale.cashSum, sale.noCashSum, ...sale.positions.rows.map((r) => r.price)]) {
        expect(Number.isInteger(value)).toBe(true);
      }
    }
  });

  it('makes every sale sum Σ price × quantity, at the retail price, by an existing individual', () => {
    const retailPrice = new Map(seed.products.map((p) => [p.id, p.salePrices[0]?.value]));
    for (const sale of seed.retaildemands) {
      const total = sale.positions.rows.reduce((s, r) => s + r.price * r.quantity, 0);
      expect(sale.sum).toBe(total);
      expect(sale.positions.meta.size).toBe(sale.positions.rows.length);
      for (const row of sale.positions.rows) expect(row.price).toBe(retailPrice.get(idOf(row.assortment.meta.href)));
      const agent = byId.get(idOf(sale.agent.meta.href));
      expect(agent?.companyType).toBe('individual');
      expect(sale.moment).toMatch(MSK);
      expect(sale.cashSum + sale.noCashSum).toBeLessThanOrEqual(sale.sum);
    }
  });

  it('numbers sales in time order inside the sales window, during shop hours', () => {
    const moments = seed.retaildemands.map((d) => parseMoscowString(d.moment));
    expect([...moments].sort((a, b) => a - b)).toEqual(moments);
    expect(seed.retaildemands.map((d) => d.name)).toEqual(seed.retaildemands.map((_, i) => String(i + 1).padStart(5, '0')));
    for (const d of seed.retaildemands) {
      const hour = Number(d.moment.slice(11, 13));
      expect(hour >= 9 && hour < 22).toBe(true);
    }
    expect(Math.max(...moments)).toBeLessThan(Date.parse('2026-11-01T09:00:00Z'));
  });

  it('keeps bonusPoints = Σ EARNING − Σ SPENDING, never negative along the way, within the program cap', () => {
    const program = seed.bonusprograms.find((p) => p.active);
    expect(program).toBeDefined();
    if (!program) return;
    const balances = new Map<string, number>();
    const salesById = new Map(seed.retaildemands.map((d) => [d.id, d]));
    const ordered = [...seed.bonustransactions].sort((a, b) => parseMoscowString(a.moment) - parseMoscowString(b.moment));
    for (const tx of ordered) {
      const agentId = idOf(tx.agent.meta.href);
      expect(byId.get(agentId)?.companyType).toBe('individual');
      expect(Number.isInteger(tx.bonusValue) && tx.bonusValue > 0).toBe(true);
      const before = balances.get(agentId) ?? 0;
      if (tx.transactionType === 'SPENDING') {
        const sale = salesById.get(idOf(tx.parentDocument?.meta.href ?? ''));
        expect(sale).toBeDefined();
        if (!sale) continue;
        expect(tx.bonusValue).toBeLessThanOrEqual(maxSpendablePoints(sale.sum, before, program));
        // Money paid + value of the points = the receipt sum.
        expect(sale.cashSum + sale.noCashSum + pointsToKopecks(tx.bonusValue, program)).toBe(sale.sum);
      }
      const after = before + (tx.transactionType === 'EARNING' ? tx.bonusValue : -tx.bonusValue);
      expect(after).toBeGreaterThanOrEqual(0);
      balances.set(agentId, after);
    }
    for (const c of seed.counterparties) expect(c.bonusPoints).toBe(balances.get(c.id) ?? 0);
    expect(seed.bonustransactions.some((t) => t.transactionType === 'SPENDING')).toBe(true);
    expect(seed.bonustransactions.filter((t) => t.categoryType === 'WELCOME')).toHaveLength(60);
  });

  it('links every sale-bound bonus operation to an existing sale of the same buyer', () => {
    const salesById = new Map(seed.retaildemands.map((d) => [d.id, d]));
    for (const tx of seed.bonustransactions.filter((t) => t.parentDocument)) {
      const sale = salesById.get(idOf(tx.parentDocument?.meta.href ?? ''));
      expect(sale?.agent.meta.href).toBe(tx.agent.meta.href);
      expect(tx.moment).toBe(sale?.moment);
    }
  });

  it('roots every meta.href at baseUrl', () => {
    const local = generateSeed({ seed: 1, buyers: 3, sales: 3, baseUrl: 'http://127.0.0.1:9/api/remap/1.2/' });
    const hrefs = JSON.stringify(local).match(/"href":"[^"]+"/g) ?? [];
    expect(hrefs.length).toBeGreaterThan(10);
    for (const h of hrefs) expect(h).toMatch(/^"href":"http:\/\/127\.0\.0\.1:9\/api\/remap\/1\.2\/[a-z]/);
  });
});

describe('big seed', () => {
  it('generates benchmark sizes quickly', () => {
    const started = performance.now();
    const big = generateSeed({ seed: 42, ...BIG_SEED_SIZES });
    const elapsed = performance.now() - started;
    expect(big.counterparties.filter((c) => c.companyType === 'individual')).toHaveLength(5000);
    expect(big.products).toHaveLength(500);
    expect(big.retaildemands).toHaveLength(10_000);
    // Generous bound: the machine is shared; typical runs take well under a second.
    expect(elapsed).toBeLessThan(12_000);
  });
});

describe('archived products', () => {
  it('archives the last N products and never sells them', () => {
    const seed = generateSeed({ seed: 4, products: 10, archivedProducts: 3, sales: 200 });
    expect(seed.products.map((p) => p.archived)).toEqual([...Array(7).fill(false), ...Array(3).fill(true)]);
    const archived = new Set(seed.products.filter((p) => p.archived).map((p) => p.meta.href));
    for (const row of seed.retaildemands.flatMap((d) => d.positions.rows)) expect(archived.has(row.assortment.meta.href)).toBe(false);
    expect(() => generateSeed({ products: 3, archivedProducts: 3 })).toThrow(/archivedProducts/);
  });
});
