import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support.js';

describe('transactions, notes and bonus points', () => {
  let h: Harness;
  let customerId: number;
  let product: { id: number; catalog_id: number };
  beforeEach(async () => {
    h = await startHarness();
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    customerId = (await h.api('POST', '/api/v4/customers', [{ name: 'Покупатель' }])).json._embedded.customers[0].id;
    const catalogId = h.emu.store.productsCatalogId('demo');
    product = (await h.api('POST', `/api/v4/catalogs/${catalogId}/elements`, [{ name: 'Камера' }])).json._embedded.elements[0];
  });
  afterEach(async () => h.emu.close());

  it('creates a transaction from the documented example, answers under _embedded.transactions and updates ltv', async () => {
    const created = await h.api('POST', `/api/v4/customers/${customerId}/transactions?accrue_bonus=false`, [
      { price: 123, created_by: 0, comment: 'Комментарий', _embedded: { catalog_elements: [{ id: product.id, metadata: { catalog_id: product.catalog_id, quantity: 10 } }] } },
      { price: 77, completed_at: 1773300000, request_id: 'retaildemand-2' },
    ]);
    expect(created.status).toBe(200);
    const [first, second] = created.json._embedded.transactions;
    expect(first).toMatchObject({ price: 123, comment: 'Комментарий', customer_id: customerId, request_id: '0' });
    expect(first._embedded.catalog_elements).toEqual([{ id: product.id, metadata: { catalog_id: product.catalog_id, quantity: 10 } }]);
    expect(second).toMatchObject({ completed_at: 1773300000, request_id: 'retaildemand-2' });
    expect((await h.api('GET', `/api/v4/customers/${customerId}`)).json).toMatchObject({ ltv: 200, purchases_count: 2, average_check: 100 });
    expect(h.emu.store.transactions('demo', customerId).map((t) => t['accrue_bonus'])).toEqual([false, false]);

    const list = await h.api('GET', `/api/v4/customers/${customerId}/transactions`);
    expect(list.json._embedded.transactions).toHaveLength(2);
    expect((await h.api('GET', `/api/v4/customers/transactions?filter[id][]=${second.id}`)).json._embedded.transactions).toHaveLength(1);

    const deleted = await h.api('DELETE', `/api/v4/customers/transactions/${first.id}`);
    expect(deleted.status).toBe(204);
    expect((await h.api('GET', `/api/v4/customers/${customerId}`)).json).toMatchObject({ ltv: 77, purchases_count: 1, average_check: 77 });
    expect((await h.api('GET', `/api/v4/customers/transactions/${first.id}`)).status).toBe(204);
    expect((await h.api('DELETE', `/api/v4/customers/transactions/${first.id}`)).status).toBe(404);
  });

  it('links a product to the customer and shows it with=catalog_elements', async () => {
    const linked = await h.api('POST', `/api/v4/customers/${customerId}/link`, [{ to_entity_id: product.id, to_entity_type: 'catalog_elements', metadata: { quantity: 2, catalog_id: product.catalog_id } }]);
    expect(linked.status).toBe(200);
    const customer = (await h.api('GET', `/api/v4/customers/${customerId}?with=catalog_elements`)).json;
    expect(customer._embedded.catalog_elements).toEqual([{ id: product.id, metadata: { quantity: 2, catalog_id: product.catalog_id, price_id: null } }]);
    expect((await h.api('GET', `/api/v4/customers/${customerId}`)).json._embedded.catalog_elements).toBeUndefined();
  });

  it('requires an integer price and known catalog elements', async () => {
    const bad = await h.api('POST', `/api/v4/customers/${customerId}/transactions`, [{ comment: 'без цены' }, { price: 12.5 }, { price: 1, _embedded: { catalog_elements: [{ id: 1, metadata: { catalog_id: product.catalog_id, quantity: 1 } }] } }]);
    expect(bad.status).toBe(400);
    expect(bad.json['validation-errors'].map((e: any) => [e.request_id, e.errors[0].path])).toEqual([['0', 'price'], ['1', 'price'], ['2', '_embedded.catalog_elements.0.id']]);
    expect((await h.api('POST', '/api/v4/customers/999999/transactions', [{ price: 1 }])).status).toBe(404);
  });

  it('adds an extended_service_message note (both endpoints) and filters notes by entity_id', async () => {
    const params = { service: 'МойСклад', text: 'Розничная продажа №00123 от 12.03.2026: 2 позиции на 7 990 ₽. Начислено 80 баллов, баланс 534.' };
    const viaPath = await h.api('POST', `/api/v4/customers/${customerId}/notes`, [{ note_type: 'extended_service_message', params, request_id: 'retaildemand-00123' }]);
    expect(viaPath.status).toBe(200);
    expect(viaPath.json._embedded.notes[0]).toMatchObject({ entity_id: customerId, request_id: 'retaildemand-00123' });
    const other = (await h.api('POST', '/api/v4/customers', [{ name: 'Другой' }])).json._embedded.customers[0].id;
    expect((await h.api('POST', '/api/v4/customers/notes', [{ entity_id: other, note_type: 'common', params: { text: 'Привет' } }])).status).toBe(200);
    const notes = await h.api('GET', `/api/v4/customers/notes?filter[entity_id][]=${customerId}`);
    expect(notes.json._embedded.notes).toEqual([expect.objectContaining({ note_type: 'extended_service_message', params, entity_id: customerId })]);
    const invalid = await h.api('POST', '/api/v4/customers/notes', [{ note_type: 'service_message', params: { text: 'no service', entity_id: customerId } }]);
    expect(invalid.json['validation-errors'][0].errors.map((e: any) => e.path)).toEqual(['entity_id', 'params.service']);
  });

  it('earns and redeems bonus points and rejects both fields at once', async () => {
    const earn = await h.api('POST', `/api/v4/customers/${customerId}/bonus_points`, { earn: 500 });
    expect(earn.status).toBe(200);
    expect(earn.json).toEqual({ bonus_points: 500 });
    expect((await h.api('POST', `/api/v4/customers/${customerId}/bonus_points`, { redeem: 120 })).json).toEqual({ bonus_points: 380 });
    const both = await h.api('POST', `/api/v4/customers/${customerId}/bonus_points`, { earn: 1, redeem: 1 });
    expect(both.status).toBe(400);
    expect(both.json['validation-errors'][0].request_id).toBe('0');
    expect((await h.api('POST', `/api/v4/customers/${customerId}/bonus_points`, { redeem: 1000 })).status).toBe(400);
    expect((await h.api('POST', `/api/v4/customers/${customerId}/bonus_points`, { earn: 1.5 })).status).toBe(400);
    expect(h.emu.store.bonusPoints('demo', customerId)).toBe(380);
  });
});
