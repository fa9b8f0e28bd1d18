import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test-support/databases.js';
import { PUBLIC_URL, startHarness, type Harness } from './test-harness.js';

const ACCOUNT = 777;
const caller = { accountId: ACCOUNT, userId: 5 };

describeEachDatabase('customer card and purchases', (kind) => {
  let h: Harness;
  let moyskladId: string;
  beforeAll(async () => {
    h = await startHarness(kind);
    moyskladId = await h.seedBuyer({ accountId: ACCOUNT, amoCustomerId: 12, name: 'Мария Иванова', points: 340 });
    const { db } = h.database;
    // 25 purchases, one minute apart; two share a moment to exercise the (moment, id) cursor tie-break.
    for (let i = 0; i < 25; i++) {
      const momentMs = Date.UTC(2026, 10, 1, 9, i === 24 ? 22 : i);
      await db
        .insertInto('purchases')
        .values({
          account_id: ACCOUNT,
          id: `rd-${String(i).padStart(2, '0')}`,
          buyer_moysklad_id: moyskladId,
          number: `000${i}`,
          moment: new Date(momentMs).toISOString().replace('Z', '+00:00'),
          moment_ms: momentMs,
          sum_kopecks: 10_000 + i,
          points_earned: i,
          points_spent: 0,
          returned: i === 3 ? 1 : 0,
          updated_at: momentMs,
        })
        .execute();
      await db.insertInto('purchase_items').values({ account_id: ACCOUNT, purchase_id: `rd-${String(i).padStart(2, '0')}`, position: 0, name: `Товар ${i}`, quantity: 1.5, price_kopecks: 6_667 }).execute();
    }
  });
  afterAll(async () => h?.close());

  it('the card comes from the read model in one request, without a live МойСклад call', async () => {
    const before = JSON.stringify(h.emulator.stats());
    const card = await h.call('GET', '/api/widget/customers/12/card', { claims: caller });
    expect(card.status).toBe(200);
    expect(card.json).toMatchObject({
      customer: { amoCustomerId: 12, moyskladId, name: 'Мария Иванова' },
      bonusCard: 'CARD-1',
      points: 340,
      purchaseTotalKopecks: 150_000,
      purchaseCount: 2,
      referralLink: `${PUBLIC_URL}/r/ref777x12`,
      program: null,
      bounds: { minAmount: 1, maxAmount: 10_000 }, // the default per-operation cap of the settings
    });
    expect(card.json.purchases).toHaveLength(10);
    expect(card.json.purchases[0]).toEqual({
      id: 'rd-23',
      number: '00023',
      moment: expect.stringMatching(/\+00:00$/),
      sumKopecks: 10_023,
      items: [{ name: 'Товар 23', quantity: 1.5, priceKopecks: 6_667 }],
      pointsEarned: 23,
      pointsSpent: 0,
      returned: false,
    });
    expect(card.json.nextCursor).toEqual(expect.any(String));
    expect(JSON.stringify(h.emulator.stats())).toBe(before);
  });

  it('pages through every purchase exactly once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=7&cursor=${encodeURIComponent(cursor)}` : '?limit=7';
      const page = await h.call('GET', `/api/widget/customers/12/purchases${query}`, { claims: caller });
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((p: { id: string }) => p.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    // rd-24 shares 09:22 with rd-22: the id breaks the tie.
    expect(seen.slice(0, 3)).toEqual(['rd-23', 'rd-24', 'rd-22']);
  });

  it('refuses bad ids, limits and cursors with 400 problem+json', async () => {
    for (const path of ['/api/widget/customers/abc/card', '/api/widget/customers/0/card', '/api/widget/customers/1e3/card', '/api/widget/customers/12%27%20OR%201=1/card', '/api/widget/customers/12/purchases?limit=0', '/api/widget/customers/12/purchases?limit=51', "/api/widget/customers/12/purchases?cursor=';DROP TABLE buyers;--"]) {
      const response = await h.call('GET', path, { claims: caller });
      expect(response.status, path).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.json.code).toBe('validation_failed');
    }
    const unknown = await h.call('GET', '/api/widget/customers/99999/card', { claims: caller });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('customer_not_linked');
    // The table is intact after the injection attempt.
    expect((await h.call('GET', '/api/widget/customers/12/card', { claims: caller })).status).toBe(200);
  });
});
