// Conformance: examples and rules of /work/shared/reference/amocrm-api.md not covered elsewhere.
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, startHarness, type Harness } from '../test-support.js';

describe('reference examples (amoCRM API v4)', () => {
  let h: Harness;
  afterEach(async () => h.emu.close());

  it('reproduces the HAL list example: _page, _links.self/next with the request query, _embedded.customers', async () => {
    h = await startHarness();
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    await h.api('POST', '/api/v4/customers', [{ name: 'Первый' }, { name: 'Второй' }, { name: 'Третий' }]);
    const { status, type, json } = await h.api('GET', '/api/v4/customers?limit=2&with=contacts&page=1');
    expect(status).toBe(200);
    expect(type).toContain('application/hal+json');
    expect(json._page).toBe(1);
    expect(json._links).toEqual({
      self: { href: `${h.base}/api/v4/customers?limit=2&with=contacts&page=1` },
      next: { href: `${h.base}/api/v4/customers?limit=2&with=contacts&page=2` },
    });
    expect(json._embedded.customers.map((c: { name: string }) => c.name)).toEqual(['Первый', 'Второй']);
    const last = await h.api('GET', '/api/v4/customers?limit=2&with=contacts&page=2');
    expect(last.json._links.next).toBeUndefined(); // absent on the last page
  });

  it('reproduces the customer update example and answers id, updated_at, request_id under _embedded.customers', async () => {
    h = await startHarness();
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    const id = (await h.api('POST', '/api/v4/customers', [{ name: 'Старое название' }])).json._embedded.customers[0].id;
    const { status, json } = await h.api('PATCH', '/api/v4/customers', [{ id, name: 'Новое название покупателя', _embedded: { tags: [{ name: 'Тег 125' }] } }]);
    expect(status).toBe(200);
    expect(json._embedded.customers).toEqual([expect.objectContaining({ id, updated_at: expect.any(Number), request_id: '0' })]);
    const customer = (await h.api('GET', `/api/v4/customers/${id}`)).json;
    expect(customer.name).toBe('Новое название покупателя');
    expect(customer._embedded.tags).toEqual([expect.objectContaining({ name: 'Тег 125' })]);
  });

  it('orders contacts and notes with order[updated_at|id]=asc|desc and refuses other fields', async () => {
    const clock = manualClock();
    h = await startHarness({ now: clock.now });
    const ids: number[] = (await h.api('POST', '/api/v4/contacts', [{ name: 'A' }, { name: 'B' }, { name: 'C' }])).json._embedded.contacts.map((c: { id: number }) => c.id);
    clock.advance(5000);
    await h.api('PATCH', `/api/v4/contacts/${ids[0]}`, { name: 'A2' });
    const names = async (query: string) => (await h.api('GET', `/api/v4/contacts?${query}`)).json._embedded.contacts.map((c: { name: string }) => c.name);
    expect(await names('')).toEqual(['A2', 'B', 'C']);
    expect(await names('order[updated_at]=desc')).toEqual(['A2', 'B', 'C']); // ties keep ascending id
    expect(await names('order[updated_at]=asc')).toEqual(['B', 'C', 'A2']);
    expect(await names('order[id]=desc')).toEqual(['C', 'B', 'A2']);
    expect((await h.api('GET', '/api/v4/contacts?order[name]=asc')).status).toBe(400);
    expect((await h.api('GET', '/api/v4/contacts?order[id]=down')).status).toBe(400);

    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    const customerId = (await h.api('POST', '/api/v4/customers', [{ name: 'П' }])).json._embedded.customers[0].id;
    await h.api('POST', `/api/v4/customers/${customerId}/notes`, [{ note_type: 'common', params: { text: 'первое' } }, { note_type: 'common', params: { text: 'второе' } }]);
    const notes = (await h.api('GET', `/api/v4/customers/${customerId}/notes?order[id]=desc`)).json._embedded.notes;
    expect(notes.map((n: { params: { text: string } }) => n.params.text)).toEqual(['второе', 'первое']);
  });

  it('refuses filters it does not apply (API filtering is a paid alpha add-on) instead of returning the whole list', async () => {
    h = await startHarness();
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    const id = (await h.api('POST', '/api/v4/customers', [{ name: 'П' }])).json._embedded.customers[0].id;
    expect((await h.api('GET', `/api/v4/customers?filter[id][]=${id}`)).status).toBe(200);
    for (const path of ['/api/v4/customers?filter[updated_at][from]=1', '/api/v4/customers?filter[custom_fields_values][1][]=x', '/api/v4/contacts?filter[name]=x']) {
      const res = await h.api('GET', path);
      expect(res.status, path).toBe(400);
      expect(res.type).toContain('application/problem+json');
    }
  });
});
