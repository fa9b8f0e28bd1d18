import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedCounterparty } from '../seed/types.js';
import { startTill, startWebhookReceiver, type TillFixture } from './test-support.js';

let till: TillFixture;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  till = await startTill();
  receiver = await startWebhookReceiver();
  const hook = await till.msApi('POST', '/entity/webhook', { url: receiver.url, action: 'CREATE', entityType: 'retaildemand' });
  expect(hook.status).toBe(200);
});
afterAll(async () => {
  await receiver?.close();
  await till?.close();
});

const individuals = () => till.seed.counterparties.filter((c) => c.companyType === 'individual');
/** A buyer with enough points to pay a part of a receipt. */
const richBuyer = (): SeedCounterparty => individuals().reduce((a, b) => (b.bonusPoints > a.bonusPoints ? b : a));
const cheapest = () => [...till.seed.products].sort((a, b) => a.salePrices[0]!.value - b.salePrices[0]!.value)[0]!;

describe('buyer and product search', () => {
  it('finds a buyer by phone in another format, by card number and by part of the name', async () => {
    const buyer = individuals().find((c) => c.discountCardNumber)!;
    const digits = buyer.phone!.replace(/\D/g, '');
    const asTyped = `8 (${digits.slice(1, 4)}) ${digits.slice(4, 7)}-${digits.slice(7, 9)}-${digits.slice(9)}`;
    const byPhone = await till.pos('GET', `/api/buyers?query=${encodeURIComponent(asTyped)}`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.buyers[0].id).toBe(buyer.id);
    expect(byPhone.body.buyers[0].bonusPoints).toBe(buyer.bonusPoints);

    const byCard = await till.pos('GET', `/api/buyers?query=${buyer.discountCardNumber}`);
    expect(byCard.body.buyers.map((b: { id: string }) => b.id)).toEqual([buyer.id]);

    const [last, first] = buyer.name.split(' ');
    const byName = await till.pos('GET', `/api/buyers?query=${encodeURIComponent(`${first!.toLowerCase()} ${last}`)}`);
    expect(byName.body.buyers.map((b: { id: string }) => b.id)).toContain(buyer.id);
  });

  it('never offers legal entities, sole traders or «Розничный покупатель»', async () => {
    const res = await till.pos('GET', '/api/buyers?limit=100');
    const ids = new Set(res.body.buyers.map((b: { id: string }) => b.id));
    expect(ids.size).toBe(individuals().length);
    for (const c of till.seed.counterparties.filter((c) => c.companyType !== 'individual')) expect(ids.has(c.id)).toBe(false);
  });

  it('lists products of a folder and its subfolders, with prices in kopecks', async () => {
    const all = await till.pos('GET', '/api/products');
    const photo = all.body.folders.find((f: { path: string }) => f.path === 'Фототовары');
    const inPhoto = await till.pos('GET', `/api/products?folderId=${photo.id}`);
    const expected = till.seed.products.filter((p) => p.pathName.startsWith('Фототовары'));
    expect(inPhoto.body.products.map((p: { id: string }) => p.id).sort()).toEqual(expected.map((p) => p.id).sort());
    const product = till.seed.products[0]!;
    const found = await till.pos('GET', `/api/products?query=${encodeURIComponent(product.article)}`);
    expect(found.body.products).toEqual([expect.objectContaining({ id: product.id, priceKopecks: product.salePrices[0]!.value })]);
  });

  it('rejects a bad query with a clear message', async () => {
    const res = await till.pos('GET', '/api/buyers?limit=0');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/limit/);
  });
});

describe('selling', () => {
  it('records the sale in МойСклад, moves the balance and fires the retaildemand CREATE webhook', async () => {
    const buyer = richBuyer();
    const product = till.seed.products.find((p) => p.salePrices[0]!.value >= 1000_00)!;
    const sum = product.salePrices[0]!.value * 2;
    const points = Math.min(buyer.bonusPoints, Math.floor((sum * 30) / 100 / 100), 150);
    expect(points).toBeGreaterThan(0);

    const res = await till.pos('POST', '/api/sale', { buyer: { id: buyer.id }, positions: [{ productId: product.id, quantity: 2 }], payWithPoints: points });
    expect(res.status).toBe(201);
    const receipt = res.body.receipt;
    expect(receipt.sumKopecks).toBe(sum);
    expect(receipt.pointsSpent).toBe(points);
    expect(receipt.paidKopecks).toBe(sum - points * 100);
    expect(receipt.pointsEarned).toBe(Math.floor((sum - points * 100) / (20 * 100)));
    expect(receipt.newBalance).toBe(buyer.bonusPoints - points + receipt.pointsEarned);

    const sale = await till.msApi('GET', `/entity/retaildemand/${receipt.id}`);
    expect(sale.status).toBe(200);
    expect(sale.body.sum).toBe(sum);
    expect(sale.body.agent.meta.href).toMatch(new RegExp(`/entity/counterparty/${buyer.id}$`));
    const counterparty = await till.msApi('GET', `/entity/counterparty/${buyer.id}`);
    expect(counterparty.body.bonusPoints).toBe(receipt.newBalance);

    await till.emu.webhooksSettled();
    const events = receiver.received.flatMap((hook) => hook.body.events);
    expect(events).toContainEqual(expect.objectContaining({ action: 'CREATE', meta: expect.objectContaining({ type: 'retaildemand', href: expect.stringContaining(receipt.id) }) }));

    const recent = await till.pos('GET', '/api/sales?limit=1');
    expect(recent.body.sales[0]).toMatchObject({ id: receipt.id, pointsSpent: points, returned: false, buyer: { id: buyer.id } });
  });

  it('refuses to pay more than maxPaidRatePercents of the receipt with points, and writes nothing', async () => {
    const buyer = richBuyer();
    const product = cheapest();
    const before = (await till.msApi('GET', '/entity/retaildemand?limit=1')).body.meta.size;
    const balance = (await till.pos('GET', `/api/buyers/${buyer.id}`)).body.buyer.bonusPoints;
    const cap = Math.floor(Math.floor((product.salePrices[0]!.value * 30) / 100) / 100);
    expect(balance).toBeGreaterThan(cap + 1);
    const res = await till.pos('POST', '/api/sale', { buyer: { id: buyer.id }, positions: [{ productId: product.id, quantity: 1 }], payWithPoints: cap + 1 });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('points_over_limit');
    expect(res.body.message).toBe(`Баллами можно оплатить не больше 30% чека — максимум ${cap} баллов, запрошено ${cap + 1}`);
    expect((await till.msApi('GET', '/entity/retaildemand?limit=1')).body.meta.size).toBe(before);
  });

  it('refuses to spend more points than the balance', async () => {
    const buyer = individuals().find((c) => c.bonusPoints < 1000)!;
    const product = till.seed.products.find((p) => p.salePrices[0]!.value > 10_000_00)!;
    const res = await till.pos('POST', '/api/sale', { buyer: { id: buyer.id }, positions: [{ productId: product.id, quantity: 1 }], payWithPoints: buyer.bonusPoints + 1 });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^Недостаточно баллов: на счёте \d+, запрошено \d+$/);
  });

  it('registers a new buyer at the till as an individual', async () => {
    const bad = await till.pos('POST', '/api/sale', { buyer: { name: 'Новикова Анна', phone: '12345' }, positions: [{ productId: cheapest().id, quantity: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('buyer.phone: Телефон в формате +7XXXXXXXXXX');

    const res = await till.pos('POST', '/api/sale', {
      buyer: { name: 'Новикова Анна Петровна', phone: '+7 (999) 000-11-22', discountCardNumber: '2999000111222' },
      positions: [{ productId: cheapest().id, quantity: 3 }],
    });
    expect(res.status).toBe(201);
    const created = await till.msApi('GET', `/entity/counterparty/${res.body.receipt.buyer.id}`);
    expect(created.body).toMatchObject({ companyType: 'individual', name: 'Новикова Анна Петровна', discountCardNumber: '2999000111222' });
    const found = await till.pos('GET', '/api/buyers?query=2999000111222');
    expect(found.body.buyers[0].bonusPoints).toBe(res.body.receipt.newBalance);
  });

  it('validates the body: empty cart, fractional quantity, unknown product, broken JSON', async () => {
    const buyer = { id: individuals()[0]!.id };
    const empty = await till.pos('POST', '/api/sale', { buyer, positions: [] });
    expect(empty.body.message).toBe('positions: Добавьте хотя бы один товар');
    const fractional = await till.pos('POST', '/api/sale', { buyer, positions: [{ productId: cheapest().id, quantity: 1.5 }] });
    expect(fractional.body.message).toBe('positions.0.quantity: Количество — целое число');
    const unknown = await till.pos('POST', '/api/sale', { buyer, positions: [{ productId: 'nope', quantity: 1 }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('product_not_found');
    const broken = await till.pos('POST', '/api/sale', '{"buyer":');
    expect(broken).toEqual({ status: 400, body: { code: 'invalid_json', message: 'Тело запроса — не JSON' } });
  });
});

describe('returns', () => {
  it('returns a recent sale once: points go back, the sale shows as returned, a second return is refused', async () => {
    const buyer = richBuyer();
    const product = till.seed.products.find((p) => p.salePrices[0]!.value >= 1000_00)!;
    const sold = await till.pos('POST', '/api/sale', { buyer: { id: buyer.id }, positions: [{ productId: product.id, quantity: 1 }], payWithPoints: 100 });
    expect(sold.status).toBe(201);
    const before = sold.body.receipt.newBalance;

    const res = await till.pos('POST', '/api/returns', { saleId: sold.body.receipt.id });
    expect(res.status).toBe(201);
    expect(res.body.return.sumKopecks).toBe(sold.body.receipt.sumKopecks);
    expect(res.body.return.newBalance).toBe(before + 100 - sold.body.receipt.pointsEarned);
    const returns = await till.msApi('GET', '/entity/retailsalesreturn');
    expect(returns.body.rows.map((r: { id: string }) => r.id)).toContain(res.body.return.returnId);

    const recent = await till.pos('GET', '/api/sales?limit=5');
    expect(recent.body.sales.find((s: { id: string }) => s.id === sold.body.receipt.id).returned).toBe(true);
    const again = await till.pos('POST', '/api/returns', { saleId: sold.body.receipt.id });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/уже возвращена/);
  });
});
