import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccountsRepository } from '../../../db/repositories/accounts.js';
import { BonusOperationsRepository } from '../../../db/repositories/bonus-operations.js';
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
    // 7 bonus operations: one from the widget (with its author), one belonging to sale rd-05, the rest from МойСклад.
    await new BonusOperationsRepository(db).upsertBonusOperations(
      ACCOUNT,
      Array.from({ length: 7 }, (_, i) => ({
        id: `tx-${i}`,
        buyerMoyskladId: moyskladId,
        momentMs: Date.UTC(2026, 10, 2, 9, i),
        moment: `2026-11-02T12:0${i}:00.000+03:00`,
        type: i === 5 ? ('SPENDING' as const) : ('EARNING' as const),
        value: 10 + i,
        status: i === 4 ? 'WAIT_PROCESSING' : 'COMPLETED',
        retailDemandId: i === 5 ? 'rd-05' : null,
        author: i === 6 ? { amoUserId: 5000002, name: 'Борис Менеджеров' } : null,
        comment: i === 6 ? 'за отзыв' : null,
      })),
    );
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
    // The bonus operations, newest first: who, how many, why, which sale.
    expect(card.json.operations.map((o: { id: string }) => o.id)).toEqual(['tx-6', 'tx-5', 'tx-4', 'tx-3', 'tx-2']);
    expect(card.json.operations[0]).toEqual({
      id: 'tx-6',
      moment: '2026-11-02T12:06:00.000+03:00',
      kind: 'earned',
      points: 16,
      status: 'completed',
      author: { amoUserId: 5000002, name: 'Борис Менеджеров' },
      comment: 'за отзыв',
      purchaseNumber: null,
    });
    expect(card.json.operations[1]).toMatchObject({ kind: 'spent', points: 15, author: null, purchaseNumber: '0005' });
    expect(card.json.operations[2]).toMatchObject({ status: 'pending' });
    const more = await h.call('GET', `/api/widget/customers/12/bonus-operations?limit=5&cursor=${encodeURIComponent(card.json.operationsCursor)}`, { claims: caller });
    expect(more.status).toBe(200);
    expect(more.json).toEqual({ items: [expect.objectContaining({ id: 'tx-1' }), expect.objectContaining({ id: 'tx-0' })], nextCursor: null });
    expect(JSON.stringify(h.emulator.stats())).toBe(before);
  });

  it('answers a repeated card request with 304 and no body until something on the card changes', async () => {
    const first = await h.call('GET', '/api/widget/customers/12/card', { claims: caller });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const same = await h.call('GET', '/api/widget/customers/12/card', { claims: caller, headers: { 'If-None-Match': etag! } });
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    // A weak form of the same tag (as a proxy in between may rewrite it) is the same card too.
    expect((await h.call('GET', '/api/widget/customers/12/card', { claims: caller, headers: { 'If-None-Match': `"x", W/${etag}` } })).status).toBe(304);

    // A till sale moves the points: the next poll gets the new card and a new tag.
    await h.database.db.updateTable('buyers').set({ points: 341 }).where('account_id', '=', ACCOUNT).execute();
    const changed = await h.call('GET', '/api/widget/customers/12/card', { claims: caller, headers: { 'If-None-Match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.json.points).toBe(341);
    expect(changed.headers.get('etag')).not.toBe(etag);
    await h.database.db.updateTable('buyers').set({ points: 340 }).where('account_id', '=', ACCOUNT).execute();
    expect((await h.call('GET', '/api/widget/customers/12/card', { claims: caller, headers: { 'If-None-Match': etag! } })).status).toBe(304);
  });

  it('the one card request also says when МойСклад is not connected or needs a new login', async () => {
    const accounts = new AccountsRepository(h.database.db, h.secrets);
    try {
      await accounts.markMoySkladNeedsReauth(ACCOUNT);
      const expired = await h.call('GET', '/api/widget/customers/12/card', { claims: caller });
      expect([expired.status, expired.json.code]).toEqual([409, 'moysklad_needs_reauth']);
      await accounts.clearMoySkladConnection(ACCOUNT);
      const off = await h.call('GET', '/api/widget/customers/12/card', { claims: caller });
      expect([off.status, off.json.code]).toEqual([409, 'not_connected']);
    } finally {
      await accounts.saveMoySkladConnection(ACCOUNT, 'admin@demo', 'seeded-token');
    }
    expect((await h.call('GET', '/api/widget/customers/12/card', { claims: caller })).status).toBe(200);
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
    for (const path of ['/api/widget/customers/abc/card', '/api/widget/customers/0/card', '/api/widget/customers/1e3/card', '/api/widget/customers/12%27%20OR%201=1/card', '/api/widget/customers/12/purchases?limit=0', '/api/widget/customers/12/purchases?limit=51', '/api/widget/customers/12/bonus-operations?limit=51', "/api/widget/customers/12/purchases?cursor=';DROP TABLE buyers;--"]) {
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
