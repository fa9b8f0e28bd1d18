import { afterEach, describe, expect, it } from 'vitest';
import { INSUFFICIENT_POINTS_CODE } from './kinds/bonus-ledger.js';
import { closeStarted, startApi, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

async function setup(options = {}) {
  api = await startApi({ rateLimits: { requestsPerWindow: 1000 }, ...options });
  const { body: program } = await api.call('POST', '/entity/bonusprogram', {
    name: 'Бонусы', active: true, earnRateRoublesToPoint: 10, spendRatePointsToRouble: 1, maxPaidRatePercents: 50,
  });
  const { body: buyer } = await api.call('POST', '/entity/counterparty', { name: 'Покупатель', companyType: 'individual' });
  const tx = (fields: Record<string, unknown>) =>
    api.call('POST', '/entity/bonustransaction', { agent: { meta: buyer.meta }, bonusProgram: { meta: program.meta }, ...fields });
  const points = async () => (await api.call('GET', `/entity/counterparty/${buyer.id}`)).body.bonusPoints;
  return { program, buyer, tx, points };
}

describe('bonustransaction', () => {
  it('reproduces the documented create example and moves bonusPoints at once', async () => {
    const { buyer, program, points } = await setup({ now: () => Date.UTC(2018, 8, 13, 9, 36, 26) });
    const { body: product } = await api.call('POST', '/entity/product', { name: 'p' });
    const { body: sale } = await api.call('POST', '/entity/retaildemand', { agent: { meta: buyer.meta }, positions: [{ assortment: { meta: product.meta }, price: 100 }] });
    const res = await api.call('POST', '/entity/bonustransaction', {
      name: 'd00001',
      applicable: true,
      agent: { meta: buyer.meta },
      bonusProgram: { meta: program.meta },
      parentDocument: { meta: { href: sale.meta.href, type: 'retaildemand', mediaType: 'application/json' } },
      transactionType: 'EARNING',
      bonusValue: 15,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'd00001',
      moment: '2018-09-13 12:36:00.000', // documented: moment is stored to the minute, executionDate is not
      applicable: true,
      bonusValue: 15,
      transactionType: 'EARNING',
      transactionStatus: 'COMPLETED',
      executionDate: '2018-09-13 12:36:26.000',
      categoryType: 'REGULAR',
      parentDocument: { meta: { href: sale.meta.href, type: 'retaildemand' } },
    });
    expect(await points()).toBe(15);
    const expanded = await api.call('GET', `/entity/bonustransaction/${res.body.id}?expand=bonusProgram,parentDocument`);
    expect(expanded.body.bonusProgram.name).toBe('Бонусы');
    expect(expanded.body.parentDocument.sum).toBe(100);
  });

  it('refuses a SPENDING beyond the balance (412, emulator code) and leaves the balance alone', async () => {
    const { tx, points } = await setup();
    await tx({ transactionType: 'EARNING', bonusValue: 10 });
    const res = await tx({ transactionType: 'SPENDING', bonusValue: 11 });
    expect(res.status).toBe(412);
    expect(res.body.errors[0].code).toBe(INSUFFICIENT_POINTS_CODE);
    expect(res.body.errors[0].error).toMatch(/Недостаточно баллов/);
    expect(await points()).toBe(10);
    expect((await tx({ transactionType: 'SPENDING', bonusValue: 10 })).status).toBe(200);
    expect(await points()).toBe(0);
  });

  it('re-balances on update and delete; transactionType cannot change', async () => {
    const { tx, points } = await setup();
    const { body: earning } = await tx({ transactionType: 'EARNING', bonusValue: 10 });
    await api.call('PUT', `/entity/bonustransaction/${earning.id}`, { bonusValue: 25 });
    expect(await points()).toBe(25);
    const changeType = await api.call('PUT', `/entity/bonustransaction/${earning.id}`, { transactionType: 'SPENDING' });
    expect(changeType.status).toBe(412);
    await api.call('DELETE', `/entity/bonustransaction/${earning.id}`);
    expect(await points()).toBe(0);
  });

  it('requires agent, bonusProgram, transactionType (3000) and refuses deferred accruals (62000)', async () => {
    const { tx, buyer } = await setup();
    const missing = await api.call('POST', '/entity/bonustransaction', { agent: { meta: buyer.meta }, transactionType: 'EARNING' });
    expect(missing.body.errors[0]).toMatchObject({ code: 3000, parameter: 'bonusProgram' });
    const deferred = await tx({ transactionType: 'EARNING', bonusValue: 1, executionDate: '2030-01-01 00:00:00' });
    expect(deferred.body.errors[0].code).toBe(62000);
  });

  it('enforces an optional maximum balance with 62004', async () => {
    const { tx, points } = await setup({ maxBonusBalance: 100 });
    expect((await tx({ transactionType: 'EARNING', bonusValue: 100 })).status).toBe(200);
    const over = await tx({ transactionType: 'EARNING', bonusValue: 1 });
    expect(over.body.errors[0].code).toBe(62004);
    expect(await points()).toBe(100);
  });
});

describe('bonusprogram', () => {
  it('allows only one active program (3020) and shows it on counterparties', async () => {
    const { program, buyer } = await setup();
    const second = await api.call('POST', '/entity/bonusprogram', { name: 'Вторая', active: true });
    expect(second.status).toBe(412);
    expect(second.body.errors[0].code).toBe(3020);
    expect((await api.call('POST', '/entity/bonusprogram', { name: 'Неактивная' })).status).toBe(200);
    const { body: c } = await api.call('GET', `/entity/counterparty/${buyer.id}?expand=bonusProgram`);
    expect(c.bonusProgram).toMatchObject({ id: program.id, active: true, earnRateRoublesToPoint: 10 });
  });
});

describe('balance change notifications (unconfirmed behaviour, opt-in)', () => {
  it('records a counterparty UPDATE with the bonusPoints diff only when enabled', async () => {
    const { tx, buyer } = await setup({ counterpartyUpdateOnBonusChange: true });
    await tx({ transactionType: 'EARNING', bonusValue: 7 });
    const { body } = await api.call('GET', `/entity/counterparty/${buyer.id}/audit`);
    expect(body.rows[0]).toMatchObject({ eventType: 'update', diff: { bonusPoints: { oldValue: 0, newValue: 7 } } });
    await api.close();
    const plain = await setup();
    await plain.tx({ transactionType: 'EARNING', bonusValue: 7 });
    const { body: none } = await api.call('GET', `/entity/counterparty/${plain.buyer.id}/audit`);
    expect(none.rows.map((r: { eventType: string }) => r.eventType)).toEqual(['create']);
  });
});
