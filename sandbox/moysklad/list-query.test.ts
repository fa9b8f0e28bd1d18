import { afterEach, describe, expect, it } from 'vitest';
import { closeStarted, startApi, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

/** Lists need many requests; the limiter is loosened here (it has its own tests). */
const roomy = { rateLimits: { requestsPerWindow: 1000 } };

function counterparties(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Покупатель ${String(i).padStart(4, '0')}`,
    companyType: i % 2 === 0 ? 'individual' : 'legal',
    updated: `2026-01-0${1 + (i % 5)} 10:00:00.000`,
  }));
}

describe('paging', () => {
  it('pages over more than 1000 rows with nextHref/previousHref', async () => {
    api = await startApi(roomy);
    api.emu.load({ counterparties: counterparties(1500) });
    const first = await api.call('GET', '/entity/counterparty');
    expect(first.body.meta).toMatchObject({ size: 1500, limit: 1000, offset: 0 });
    expect(first.body.rows).toHaveLength(1000);
    expect(first.body.meta.previousHref).toBeUndefined();
    expect(first.body.meta.nextHref).toBe(`${api.baseUrl}/entity/counterparty?limit=1000&offset=1000`);
    expect(first.body.context.employee.meta.href).toBe(`${api.baseUrl}/context/employee`);

    const second = await api.call('GET', first.body.meta.nextHref);
    expect(second.body.rows).toHaveLength(500);
    expect(second.body.meta.nextHref).toBeUndefined();
    expect(second.body.meta.previousHref).toContain('offset=0');
    const ids = new Set([...first.body.rows, ...second.body.rows].map((r: { id: string }) => r.id));
    expect(ids.size).toBe(1500);
  });

  it('keeps filter and order in nextHref and rejects limit outside 1..1000', async () => {
    api = await startApi(roomy);
    api.emu.load({ counterparties: counterparties(30) });
    const res = await api.call('GET', '/entity/counterparty?filter=companyType=individual&order=name,desc&limit=10');
    expect(res.body.meta.size).toBe(15);
    expect(res.body.rows[0].name).toBe('Покупатель 0028');
    const next = new URL(res.body.meta.nextHref);
    expect(next.searchParams.get('filter')).toBe('companyType=individual');
    expect(next.searchParams.get('order')).toBe('name,desc');
    expect((await api.call('GET', '/entity/counterparty?limit=1001')).status).toBe(400);
    expect((await api.call('GET', '/entity/counterparty?limit=0')).status).toBe(400);
  });
});

describe('expand', () => {
  it('expands only when limit ≤ 100, otherwise silently ignores it', async () => {
    api = await startApi(roomy);
    const { body: buyer } = await api.call('POST', '/entity/counterparty', { name: 'Агент' });
    await api.call('POST', '/entity/retaildemand', { agent: { meta: buyer.meta } });
    const small = await api.call('GET', '/entity/retaildemand?expand=agent&limit=100');
    expect(small.body.rows[0].agent.name).toBe('Агент');
    const big = await api.call('GET', '/entity/retaildemand?expand=agent');
    expect(big.status).toBe(200);
    expect(big.body.rows[0].agent.name).toBeUndefined();
    expect(big.body.rows[0].agent.meta.href).toBe(buyer.meta.href);
  });
});

describe('filter', () => {
  it('treats \\; as a literal semicolon inside a value', async () => {
    api = await startApi(roomy);
    await api.call('POST', '/entity/counterparty', { name: 'ООО Рога;Копыта' });
    await api.call('POST', '/entity/counterparty', { name: 'ООО Рога' });
    const res = await api.call('GET', `/entity/counterparty?filter=${encodeURIComponent('name=ООО Рога\\;Копыта')}`);
    expect(res.body.rows.map((r: { name: string }) => r.name)).toEqual(['ООО Рога;Копыта']);
  });

  it('ORs repeated =, ANDs other fields, supports ~ ~= =~ and empty tests', async () => {
    api = await startApi(roomy);
    api.emu.load({
      counterparties: [
        { name: 'Анна', companyType: 'individual', phone: '+79990000001', externalCode: 'a' },
        { name: 'Борис', companyType: 'individual', externalCode: 'b' },
        { name: 'Вектор', companyType: 'legal', externalCode: 'c' },
      ],
    });
    const names = async (filter: string) =>
      (await api.call('GET', `/entity/counterparty?filter=${encodeURIComponent(filter)}`)).body.rows.map((r: { name: string }) => r.name);
    expect(await names('externalCode=a;externalCode=c')).toEqual(['Анна', 'Вектор']);
    expect(await names('companyType=individual;externalCode=c')).toEqual([]);
    expect(await names('externalCode!=a;externalCode!=b')).toEqual(['Вектор']);
    expect(await names('name~ор')).toEqual(['Борис', 'Вектор']);
    expect(await names('name~=ан')).toEqual(['Анна']);
    expect(await names('name=~ис')).toEqual(['Борис']);
    expect(await names('phone=')).toEqual(['Борис', 'Вектор']);
    expect(await names('phone!=')).toEqual(['Анна']);
  });

  it('compares updated>= in Moscow time and rejects malformed dates with 1035', async () => {
    api = await startApi(roomy);
    api.emu.load({ counterparties: counterparties(10) });
    const res = await api.call('GET', `/entity/counterparty?filter=${encodeURIComponent('updated>=2026-01-05 10:00')}&order=updated,asc;name`);
    expect(res.body.rows.map((r: { name: string }) => r.name)).toEqual(['Покупатель 0004', 'Покупатель 0009']);
    const bad = await api.call('GET', `/entity/counterparty?filter=${encodeURIComponent('updated>=2026-01-05T10:00:00Z')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe(1035);
  });

  it('filters reference fields by href and bonus transactions by externalCode', async () => {
    api = await startApi(roomy);
    const { body: program } = await api.call('POST', '/entity/bonusprogram', { name: 'Бонусы', active: true });
    const { body: a } = await api.call('POST', '/entity/counterparty', { name: 'A' });
    const { body: b } = await api.call('POST', '/entity/counterparty', { name: 'B' });
    for (const [agent, key] of [[a, 'op-1'], [b, 'op-2']] as const)
      await api.call('POST', '/entity/bonustransaction', {
        agent: { meta: agent.meta }, bonusProgram: { meta: program.meta }, transactionType: 'EARNING', bonusValue: 5, externalCode: key,
      });
    const byAgent = await api.call('GET', `/entity/bonustransaction?filter=${encodeURIComponent(`agent=${b.meta.href}`)}`);
    expect(byAgent.body.rows.map((r: { externalCode: string }) => r.externalCode)).toEqual(['op-2']);
    const byKey = await api.call('GET', '/entity/bonustransaction?filter=externalCode=op-1');
    expect(byKey.body.rows).toHaveLength(1);
    expect(byKey.body.rows[0].agent.meta.href).toBe(a.meta.href);
  });

  it('searches counterparties by name, phone, card and email', async () => {
    api = await startApi(roomy);
    api.emu.load({ counterparties: [{ name: 'Мария', phone: '+7 (916) 123-45-67', discountCardNumber: 'CARD-77' }, { name: 'Олег', email: 'oleg@example.com' }] });
    const hit = async (q: string) => (await api.call('GET', `/entity/counterparty?search=${encodeURIComponent(q)}`)).body.rows.map((r: { name: string }) => r.name);
    expect(await hit('мар')).toEqual(['Мария']);
    expect(await hit('123-45')).toEqual(['Мария']);
    expect(await hit('CARD-77')).toEqual(['Мария']);
    expect(await hit('oleg@')).toEqual(['Олег']);
  });
});
