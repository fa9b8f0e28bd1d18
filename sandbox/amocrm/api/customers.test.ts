import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support.js';

describe('customers API (conformance with the reference examples)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.emu.close());

  const enableCustomers = () => h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });

  it('customers start disabled; an admin enables them, a manager may not', async () => {
    const off = await h.api('GET', '/api/v4/customers');
    expect(off.status).toBe(400);
    expect(off.json.code).toBe(426);
    const managerToken = await h.emu.issueLongLivedToken('demo', 600, 5000002);
    const asManager = await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true }, { authorization: `Bearer ${managerToken}` });
    expect(asManager.status).toBe(403);
    const enabled = await enableCustomers();
    expect(enabled.status).toBe(200);
    expect(enabled.json).toEqual({ mode: 'segments', is_enabled: true });
    expect((await h.api('GET', '/api/v4/account?with=amojo_id,users_groups')).json.customers_mode).toBe('segments');
    h.emu.setCustomersMode('demo', 'unavailable');
    expect((await enableCustomers()).status).toBe(402);
  });

  it('creates custom fields (201), rejects a duplicate code, and writes values by field_code', async () => {
    await enableCustomers();
    const fields = await h.api('POST', '/api/v4/customers/custom_fields', [
      { name: 'Бонусная карта', type: 'text', code: 'BONUS_CARD', sort: 500 },
      { name: 'Бонусные баллы', type: 'numeric', code: 'BONUS_POINTS', sort: 510 },
    ]);
    expect(fields.status).toBe(201);
    expect(fields.json._embedded.custom_fields.map((f: any) => [f.code, f.type, f.request_id])).toEqual([['BONUS_CARD', 'text', '0'], ['BONUS_POINTS', 'numeric', '1']]);
    const duplicate = await h.api('POST', '/api/v4/customers/custom_fields', [{ name: 'Карта', type: 'text', code: 'BONUS_CARD', request_id: 'dup' }]);
    expect(duplicate.status).toBe(400);
    expect(duplicate.json['validation-errors']).toEqual([{ request_id: 'dup', errors: [expect.objectContaining({ path: 'code' })] }]);
    expect((await h.api('POST', '/api/v4/customers/custom_fields', [{ name: 'Тел', type: 'multitext' }])).status).toBe(400);

    const [{ id }] = (await h.api('POST', '/api/v4/customers', [{ name: 'Иван' }])).json._embedded.customers;
    const patched = await h.api('PATCH', '/api/v4/customers', [{ id, custom_fields_values: [{ field_code: 'BONUS_CARD', values: [{ value: '2000000123456' }] }, { field_code: 'BONUS_POINTS', values: [{ value: '534' }] }] }]);
    expect(patched.status).toBe(200);
    const customer = (await h.api('GET', `/api/v4/customers/${id}`)).json;
    expect(customer.custom_fields_values.map((f: any) => [f.field_code, f.values[0].value])).toEqual([['BONUS_CARD', '2000000123456'], ['BONUS_POINTS', '534']]);
  });

  it('creates customers from the documented example and answers HAL JSON with request_id', async () => {
    await enableCustomers();
    const field = (await h.api('POST', '/api/v4/customers/custom_fields', [{ name: 'Примечание', type: 'text' }])).json._embedded.custom_fields[0];
    const created = await h.api('POST', '/api/v4/customers', [
      { name: 'Покупатель для примера 1', created_by: 0, custom_fields_values: [{ field_id: field.id, values: [{ value: 'Наш первый покупатель' }] }], tags_to_add: [{ id: 107721 }] },
      { name: 'Покупатель для примера 2', _embedded: { tags: [{ name: 'Важный покупатель' }], segments: [{ id: 81 }] }, request_id: 'second' },
    ]);
    expect(created.status).toBe(200);
    expect(created.type).toContain('application/hal+json');
    const items = created.json._embedded.customers;
    expect(items.map((c: any) => c.request_id)).toEqual(['0', 'second']);
    const second = (await h.api('GET', `/api/v4/customers/${items[1].id}`)).json;
    expect(second).toMatchObject({ name: 'Покупатель для примера 2', ltv: 0, purchases_count: 0, account_id: 31000001 });
    expect(second._embedded.tags[0].name).toBe('Важный покупатель');
    expect(second._embedded.segments).toEqual([{ id: 81 }]);
    expect(h.emu.store.customer('demo', items[0].id)?.['custom_fields_values']).toEqual([expect.objectContaining({ field_id: field.id, values: [{ value: 'Наш первый покупатель' }] })]);
  });

  it('reports validation errors per item with request_id, the index, or "0" for single bodies', async () => {
    await enableCustomers();
    const bad = await h.api('POST', '/api/v4/customers', [{ name: 'ok' }, { request_id: 'ms-42' }, { name: 'x', custom_fields_values: [{ field_id: 999, values: [{ value: 'v' }] }] }]);
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.json).toMatchObject({ title: 'Bad Request', type: 'https://httpstatus.es/400', status: 400, detail: 'Request validation failed' });
    expect(bad.json['validation-errors']).toEqual([
      { request_id: 'ms-42', errors: [{ code: 'NotBlank', path: 'name', detail: expect.any(String) }] },
      { request_id: '2', errors: [{ code: 'NotSupportedChoice', path: 'custom_fields_values.0.field_id', detail: 'The value you selected is not a valid choice.' }] },
    ]);
    expect(h.emu.store.customers('demo')).toHaveLength(0); // one bad item rejects the whole batch
    expect((await h.api('POST', '/api/v4/customers', Array.from({ length: 251 }, (_, i) => ({ name: `c${i}` })))).status).toBe(400);
  });

  it('answers 204 without a body for an empty list and a missing id', async () => {
    await enableCustomers();
    const empty = await h.api('GET', '/api/v4/customers');
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
    const missing = await h.api('GET', '/api/v4/customers/424242');
    expect(missing.status).toBe(204);
    expect(missing.text).toBe('');
  });

  it('pages over more than 250 customers with _links.next and clamps limit to 250', async () => {
    await enableCustomers();
    for (let batch = 0; batch < 2; batch += 1) {
      expect((await h.api('POST', '/api/v4/customers', Array.from({ length: 150 }, (_, i) => ({ name: `Покупатель ${batch * 150 + i}` })))).status).toBe(200);
    }
    const first = await h.api('GET', '/api/v4/customers?limit=500');
    expect(first.json._page).toBe(1);
    expect(first.json._embedded.customers).toHaveLength(250);
    const next = new URL(first.json._links.next.href);
    expect(next.searchParams.get('page')).toBe('2');
    expect(next.pathname).toBe('/a/demo/api/v4/customers');
    const second = await h.api('GET', `/api/v4/customers${next.search}`);
    expect(second.json._embedded.customers).toHaveLength(50);
    expect(second.json._links.next).toBeUndefined();
    expect((await h.api('GET', '/api/v4/customers?page=3&limit=250')).status).toBe(204);
    const filtered = await h.api('GET', `/api/v4/customers?filter[id][]=${first.json._embedded.customers[3].id}`);
    expect(filtered.json._embedded.customers).toHaveLength(1);
    expect((await h.api('GET', '/api/v4/customers?query=Покупатель 29')).json._embedded.customers.length).toBe(11);
  });

  it('links contacts (one main) and reads them back with=contacts and via /links', async () => {
    await enableCustomers();
    const [{ id: customerId }] = (await h.api('POST', '/api/v4/customers', [{ name: 'Пётр' }])).json._embedded.customers;
    const contacts = (await h.api('POST', '/api/v4/contacts', [{ first_name: 'Пётр' }, { first_name: 'Жена Петра' }])).json._embedded.contacts;
    const linked = await h.api('POST', `/api/v4/customers/${customerId}/link`, [
      { to_entity_id: contacts[0].id, to_entity_type: 'contacts', metadata: { is_main: true } },
      { to_entity_id: contacts[1].id, to_entity_type: 'contacts' },
    ]);
    expect(linked.status).toBe(200);
    expect(linked.json._embedded.links[0]).toMatchObject({ entity_id: customerId, entity_type: 'customers', to_entity_id: contacts[0].id, to_entity_type: 'contacts', metadata: { main_contact: true } }); // the answer says main_contact (entity-links-api)
    const customer = (await h.api('GET', `/api/v4/customers/${customerId}?with=contacts`)).json;
    expect(customer._embedded.contacts.map((c: any) => [c.id, c.is_main])).toEqual([[contacts[0].id, true], [contacts[1].id, false]]);
    const links = await h.api('GET', `/api/v4/customers/${customerId}/links?filter[to_entity_type]=contacts`);
    expect(links.json._embedded.links).toHaveLength(2);
    const fromContact = (await h.api('GET', `/api/v4/contacts/${contacts[0].id}?with=customers`)).json;
    expect(fromContact._embedded.customers.map((c: any) => c.id)).toEqual([customerId]);
    const bad = await h.api('POST', `/api/v4/customers/${customerId}/link`, [{ to_entity_id: 1, to_entity_type: 'contacts' }]);
    expect(bad.status).toBe(400);
  });

  it('updates one customer with PATCH /customers/{id}, requires next_date in periodicity mode, honours X-Context-User-ID', async () => {
    await enableCustomers();
    const [{ id }] = (await h.api('POST', '/api/v4/customers', [{ name: 'Старое имя' }])).json._embedded.customers;
    const patched = await h.api('PATCH', `/api/v4/customers/${id}`, { name: 'Новое имя', next_price: 5000 }, { 'x-context-user-id': '5000002' });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id, name: 'Новое имя', next_price: 5000, updated_by: 5000002 });
    expect((await h.api('PATCH', '/api/v4/customers/424242', { name: 'x' })).status).toBe(400);
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'periodicity', is_enabled: true });
    const noDate = await h.api('POST', '/api/v4/customers', [{ name: 'Без даты' }]);
    expect(noDate.json['validation-errors'][0].errors[0]).toMatchObject({ code: 'NotBlank', path: 'next_date' });
    expect((await h.api('POST', '/api/v4/customers', [{ name: 'С датой', next_date: 1773300000 }])).status).toBe(200);
    const raw = await fetch(`${h.base}/api/v4/account`, { headers: { authorization: `Bearer ${h.token}` } });
    expect(raw.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });
});
