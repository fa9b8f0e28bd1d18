import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { MoySkladAuthError } from '../errors.js';
import { obtainToken } from '../obtain-token.js';
import { collect } from '../paginate.js';
import { MS_BASE, msError } from '../test-support/fake-moysklad.js';
import { testClient, useFakeMoySklad } from '../test-support/msw-setup.js';
import { MoySkladUserLimiter } from '../user-limiter.js';

const ctx = useFakeMoySklad();
const tokenOptions = () => ({ limiter: new MoySkladUserLimiter(), publicUrl: 'https://proxy.example.com' });

describe('МойСклад typed methods', () => {
  it('obtainToken uses Basic once and returns the Bearer token; wrong password → auth error', async () => {
    const token = await obtainToken('admin@demo', 'secret', tokenOptions());
    expect(token).toBe(ctx.fake.validToken);
    expect(ctx.fake.requests[0]!.headers.get('authorization')).toMatch(/^Basic /);
    await expect(testClient({ token }).employeeContext()).resolves.toMatchObject({ accountId: 'acc-1' });
    await expect(obtainToken('admin@demo', 'wrong', tokenOptions())).rejects.toBeInstanceOf(MoySkladAuthError);
  });

  it('creates an individual idempotently through syncId, gets and updates it', async () => {
    const client = testClient();
    const input = { name: 'Петров', legalFirstName: 'Петр', legalLastName: 'Петров', phone: '+79001234567', syncId: '6f1c0c58-0000-4000-8000-000000000001' };
    const first = await client.counterparties.createIndividual(input);
    const again = await client.counterparties.createIndividual(input);
    expect(again.id).toBe(first.id);
    expect(ctx.fake.table('counterparty')).toHaveLength(1);
    expect(ctx.fake.requests[0]!.body).toMatchObject({ companyType: 'individual', syncId: input.syncId });
    await client.counterparties.update(first.id, { email: 'p@example.com' });
    expect((await client.counterparties.get(first.id)).email).toBe('p@example.com');
  });

  it('deletes a product, or archives it when documents use it (1028)', async () => {
    ctx.fake.insert('product', { id: 'free', name: 'Free' });
    ctx.fake.insert('product', { id: 'sold', name: 'Sold', archived: false, usedIn: [{ meta: { href: `${MS_BASE}/entity/retaildemand/d1`, type: 'retaildemand' } }] });
    const client = testClient();
    expect(await client.catalog.deleteOrArchiveProduct('free')).toBe('deleted');
    expect(await client.catalog.deleteOrArchiveProduct('sold')).toBe('archived');
    expect(ctx.fake.table('product').map((p) => [p.id, p.archived])).toEqual([['sold', true]]);
    const conflict = await client.catalog.deleteProduct('sold').catch((e: unknown) => e);
    expect(conflict).toMatchObject({ name: 'MoySkladConflictError', code: 1028, dependencies: [{ meta: { type: 'retaildemand' } }] });
  });

  it('lists price types (a bare array)', async () => {
    ctx.fake.table('pricetype').push({ id: 't1', name: 'Цена продажи', meta: { href: `${MS_BASE}/context/companysettings/pricetype/t1`, type: 'pricetype' } });
    expect((await testClient().catalog.listPriceTypes()).map((t) => t.name)).toEqual(['Цена продажи']);
  });

  it('retail demands: expands positions at limit 100 and pages /positions when the receipt is bigger', async () => {
    const position = (i: number) => ({ id: `pos${i}`, quantity: 1, price: 100 * i, assortment: { meta: { href: `${MS_BASE}/entity/product/p${i}`, type: 'product' } } });
    const big = Array.from({ length: 1500 }, (_, i) => position(i));
    const agent = { meta: { href: `${MS_BASE}/entity/counterparty/c1`, type: 'counterparty' } };
    ctx.fake.insert('retaildemand', { id: 'small', name: '00001', moment: '2026-11-28 10:00:00.000', sum: 100, agent, positions: { meta: { href: `${MS_BASE}/entity/retaildemand/small/positions`, type: 'demandposition', size: 1, limit: 1000, offset: 0 }, rows: [position(1)] }, allPositions: [position(1)] });
    ctx.fake.insert('retaildemand', { id: 'big', name: '00002', moment: '2026-11-28 10:05:00.000', sum: 999, agent, positions: { meta: { href: `${MS_BASE}/entity/retaildemand/big/positions`, type: 'demandposition', size: 1500, limit: 1000, offset: 0 }, rows: big.slice(0, 100) }, allPositions: big });
    const demands = await collect(testClient().retail.iterateRetailDemands({ retailStoreHrefs: [] }));
    expect(demands.map((d) => [d.id, d.allPositions.length])).toEqual([['small', 1], ['big', 1500]]);
    expect(new Set(demands[1]!.allPositions.map((p) => p.id)).size).toBe(1500);
    const list = ctx.fake.requests[0]!.url;
    expect(list.searchParams.get('expand')).toBe('agent,positions.assortment');
    expect(list.searchParams.get('limit')).toBe('100');
    expect(ctx.fake.requests.filter((r) => r.url.pathname.endsWith('/big/positions'))).toHaveLength(15);
  });

  it('finds the active bonus program', async () => {
    ctx.fake.insert('bonusprogram', { id: 'old', name: 'Old', active: false });
    ctx.fake.insert('bonusprogram', { id: 'now', name: 'Now', active: true, earnRateRoublesToPoint: 10 });
    expect((await testClient().bonus.activeProgram())?.id).toBe('now');
  });

  it('bonus transaction: our key in externalCode; a replay finds the first one', async () => {
    const client = testClient();
    const input = { operationKey: 'op-1', counterpartyHref: `${MS_BASE}/entity/counterparty/c1`, bonusProgramHref: `${MS_BASE}/entity/bonusprogram/b1`, transactionType: 'EARNING' as const, bonusValue: 50 };
    const first = await client.bonus.createTransaction(input);
    const replay = await client.bonus.createTransaction(input);
    expect(replay.id).toBe(first.id);
    expect(ctx.fake.table('bonustransaction')).toHaveLength(1);
    const post = ctx.fake.requests.find((r) => r.method === 'POST')!;
    expect(post.body).toMatchObject({ externalCode: 'op-1', transactionType: 'EARNING', bonusValue: 50, agent: { meta: { type: 'counterparty' } } });
    expect(post.body).not.toHaveProperty('executionDate');
    await expect(client.bonus.createTransaction({ ...input, bonusValue: 0 })).rejects.toThrow(RangeError);
  });

  it('bonus transaction: a timeout after the server applied it is recovered by key, never written twice', async () => {
    let posts = 0;
    ctx.server.use(
      http.post(`${MS_BASE}/entity/bonustransaction`, async ({ request }) => {
        posts += 1;
        const body = (await request.json()) as Record<string, unknown>;
        ctx.fake.insert('bonustransaction', { ...body, transactionStatus: 'COMPLETED' }); // applied...
        return msError(504, 0, 'Gateway Timeout'); // ...but the answer is lost
      }),
    );
    const created = await testClient().bonus.createTransaction({ operationKey: 'op-2', counterpartyHref: `${MS_BASE}/entity/counterparty/c1`, bonusProgramHref: `${MS_BASE}/entity/bonusprogram/b1`, transactionType: 'SPENDING', bonusValue: 7 });
    expect(created).toMatchObject({ externalCode: 'op-2', transactionType: 'SPENDING' });
    expect(posts).toBe(1);
    expect(ctx.fake.table('bonustransaction')).toHaveLength(1);
  });

  it('ensures webhooks idempotently: creates missing, re-enables, removes our stale ones, keeps foreign ones', async () => {
    const hookBase = 'https://proxy.example.com/hooks/ms/secret';
    ctx.fake.insert('webhook', { id: 'foreign', url: 'https://other.example.com/x', action: 'CREATE', entityType: 'product', enabled: true });
    ctx.fake.insert('webhook', { id: 'stale', url: `${hookBase}`, action: 'CREATE', entityType: 'demand', enabled: true });
    ctx.fake.insert('webhook', { id: 'off', url: `${hookBase}`, action: 'UPDATE', entityType: 'product', enabled: false });
    const specs = [
      { url: hookBase, action: 'UPDATE' as const, entityType: 'product' },
      { url: hookBase, action: 'CREATE' as const, entityType: 'counterparty' },
    ];
    const client = testClient();
    const first = await client.webhooks.ensure(specs, 'https://proxy.example.com/hooks/');
    expect([first.created.length, first.enabled.length, first.removed.map((h) => h.id)]).toEqual([1, 1, ['stale']]);
    const second = await client.webhooks.ensure(specs, 'https://proxy.example.com/hooks/');
    expect([second.created.length, second.enabled.length, second.removed.length, second.kept.length]).toEqual([0, 0, 0, 2]);
    expect(ctx.fake.table('webhook').map((h) => h.id).sort()).toContain('foreign');
  });

  it('audit: yields delete events of the entity type since a moment', async () => {
    const event = (entityType: string, eventType: string, id: string) => ({ entity: { meta: { href: `${MS_BASE}/entity/${entityType}/${id}`, type: entityType } }, entityType, eventType, moment: '2026-11-28 11:00:00.000', uid: 'admin@demo', source: 'jsonapi' });
    ctx.fake.insert('audit', { id: 'a1', moment: '2026-11-28 11:00:00.000', eventType: 'delete', entityType: 'product', allEvents: [event('product', 'delete', 'gone1'), event('product', 'delete', 'gone2')] });
    ctx.fake.insert('audit', { id: 'a2', moment: '2026-11-28 11:01:00.000', eventType: 'delete', entityType: 'product', allEvents: [event('product', 'update', 'kept'), event('productfolder', 'delete', 'f1')] });
    const deleted = await collect(testClient().audit.iterateDeletions('product', new Date('2026-11-28T07:00:00Z')));
    expect(deleted.map((e) => e.entity?.meta.href.split('/').pop())).toEqual(['gone1', 'gone2']);
    const auditList = ctx.fake.requests[0]!.url;
    expect(auditList.searchParams.get('filter')).toBe('entityType=product;eventType=delete;moment>=2026-11-28 10:00:00');
    expect(auditList.searchParams.get('limit')).toBe('100');
  });
});
