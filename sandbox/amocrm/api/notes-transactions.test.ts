// Conformance: crm_platform/events-and-notes (customers' notes: bulk add, lists with filters) and
// crm_platform/customers-api (transactions: up to 250 in one request, lists with filter[id]).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, startHarness, type Harness } from '../test-support.js';

describe('customers notes in bulk and their lists', () => {
  let h: Harness;
  let clock: ReturnType<typeof manualClock>;
  let customers: number[];
  beforeEach(async () => {
    clock = manualClock();
    h = await startHarness({ now: clock.now });
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    customers = (await h.api('POST', '/api/v4/customers', [{ name: 'А' }, { name: 'Б' }, { name: 'В' }])).json._embedded.customers.map((c: { id: number }) => c.id);
  });
  afterEach(async () => h.emu.close());

  const texts = (json: { _embedded: { notes: Array<{ params: { text: string } }> } } | null) => json?._embedded.notes.map((n) => n.params.text) ?? [];

  it('adds notes to many customers in one POST /customers/notes (≤250, entity_id required) and answers as documented', async () => {
    const items = Array.from({ length: 250 }, (_, i) => ({ entity_id: customers[i % 3], note_type: 'common', params: { text: `заметка ${i}` } }));
    const res = await h.api('POST', '/api/v4/customers/notes', items);
    expect(res.status).toBe(200);
    expect(res.json._links.self.href).toBe(`${h.base}/api/v4/customers/notes`);
    const notes = res.json._embedded.notes;
    expect(notes).toHaveLength(250);
    expect(notes[4]).toEqual({ id: expect.any(Number), entity_id: customers[1], request_id: '4', _links: { self: { href: `${h.base}/api/v4/customers/${customers[1]}/notes/${notes[4].id}` } } });
    expect((await h.api('POST', '/api/v4/customers/notes', [...items, items[0]])).status).toBe(400);
    const missing = await h.api('POST', '/api/v4/customers/notes', [{ note_type: 'common', params: { text: 'без покупателя' } }]);
    expect(missing.json['validation-errors']).toEqual([{ request_id: '0', errors: [expect.objectContaining({ code: 'NotBlank', path: 'entity_id' })] }]);
    const unknown = await h.api('POST', '/api/v4/customers/notes', [{ entity_id: 1, note_type: 'common', params: { text: 'x' } }]);
    expect(unknown.json['validation-errors'][0].errors[0]).toMatchObject({ code: 'NotFound', path: 'entity_id' });
  });

  it('filters the by-type list by entity_id (one or many), note_type, updated_at, id; orders and pages it', async () => {
    const [a, b, c] = customers as [number, number, number];
    await h.api('POST', '/api/v4/customers/notes', [
      { entity_id: a, note_type: 'common', params: { text: 'a1' } },
      { entity_id: b, note_type: 'service_message', params: { service: 'МойСклад', text: 'b1' } },
    ]);
    clock.advance(60_000);
    const t1 = Math.floor(clock.now() / 1000);
    const later = await h.api('POST', '/api/v4/customers/notes', [
      { entity_id: a, note_type: 'extended_service_message', params: { service: 'МойСклад', text: 'a2' } },
      { entity_id: c, note_type: 'common', params: { text: 'c1' } },
    ]);
    const list = async (query: string) => (await h.api('GET', `/api/v4/customers/notes?${query}`)).json;

    expect(texts(await list(`filter[entity_id]=${a}`))).toEqual(['a1', 'a2']);
    expect(texts(await list(`filter[entity_id][]=${a}&filter[entity_id][]=${c}`))).toEqual(['a1', 'a2', 'c1']);
    expect(texts(await list('filter[note_type]=common'))).toEqual(['a1', 'c1']);
    expect(texts(await list('filter[note_type][]=service_message&filter[note_type][]=extended_service_message'))).toEqual(['b1', 'a2']);
    expect(texts(await list(`filter[updated_at]=${t1}`))).toEqual(['a2', 'c1']);
    expect(texts(await list(`filter[updated_at][from]=${t1 - 60}&filter[updated_at][to]=${t1 - 1}`))).toEqual(['a1', 'b1']);
    expect(texts(await list(`filter[id]=${later.json._embedded.notes[1].id}`))).toEqual(['c1']);
    expect(texts(await list(`filter[entity_id]=${a}&order[id]=desc`))).toEqual(['a2', 'a1']);
    expect(texts(await list('limit=3&page=2'))).toEqual(['c1']);
    expect((await h.api('GET', '/api/v4/customers/notes?limit=3&page=3')).status).toBe(204);
    expect((await h.api('GET', '/api/v4/customers/notes?filter[updated_at][since]=1')).status).toBe(400);
    expect((await h.api('GET', '/api/v4/customers/notes?filter[updated_at]=yesterday')).status).toBe(400);

    const one = await h.api('GET', `/api/v4/customers/notes/${later.json._embedded.notes[0].id}`);
    expect(one.json).toMatchObject({ entity_id: a, note_type: 'extended_service_message', group_id: 0, params: { text: 'a2' } });
  });

  it('lists one customer\'s notes with note_type / updated_at filters; filter[entity_id] is not documented there', async () => {
    const [a, b] = customers as [number, number];
    await h.api('POST', `/api/v4/customers/${a}/notes`, [{ note_type: 'common', params: { text: 'a1' } }, { note_type: 'service_message', params: { service: 'S', text: 'a2' } }]);
    await h.api('POST', `/api/v4/customers/${b}/notes`, [{ note_type: 'common', params: { text: 'b1' } }]);
    expect(texts((await h.api('GET', `/api/v4/customers/${a}/notes`)).json)).toEqual(['a1', 'a2']);
    expect(texts((await h.api('GET', `/api/v4/customers/${a}/notes?filter[note_type]=service_message`)).json)).toEqual(['a2']);
    expect((await h.api('GET', `/api/v4/customers/${a}/notes?filter[updated_at]=${Math.floor(clock.now() / 1000) + 1}`)).status).toBe(204);
    expect((await h.api('GET', `/api/v4/customers/${a}/notes?filter[entity_id]=${b}`)).status).toBe(400);
  });
});

describe('customer transactions in bulk and their lists', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
  });
  afterEach(async () => h.emu.close());

  it('records 250 purchases of one customer in one request, refuses 251, and lists them account-wide and per customer', async () => {
    const [customer, other] = (await h.api('POST', '/api/v4/customers', [{ name: 'Постоянный' }, { name: 'Другой' }])).json._embedded.customers.map((c: { id: number }) => c.id);
    const purchases = Array.from({ length: 250 }, (_, i) => ({ price: 100 + i, comment: `Продажа №${i}`, request_id: `rd-${i}` }));
    const res = await h.api('POST', `/api/v4/customers/${customer}/transactions`, purchases);
    expect(res.status).toBe(200);
    expect(res.json._embedded.transactions).toHaveLength(250);
    expect(res.json._embedded.transactions[249]).toMatchObject({ customer_id: customer, price: 349, request_id: 'rd-249' });
    expect((await h.api('POST', `/api/v4/customers/${customer}/transactions`, [...purchases, { price: 1 }])).status).toBe(400);
    await h.api('POST', `/api/v4/customers/${other}/transactions`, [{ price: 5 }]);

    const own = await h.api('GET', `/api/v4/customers/${customer}/transactions?limit=250`);
    expect(own.json._embedded.transactions).toHaveLength(250);
    expect(own.json._links.next).toBeUndefined();
    const first = own.json._embedded.transactions[0];
    // The documented transaction model, with _links.self under the customer as in the examples.
    expect(first).toMatchObject({ id: expect.any(Number), price: 100, comment: 'Продажа №0', completed_at: expect.any(Number), customer_id: customer, is_deleted: false, account_id: 31000001 });
    expect(first._links.self.href).toBe(`${h.base}/api/v4/customers/${customer}/transactions/${first.id}`);
    expect(first._embedded.customer.id).toBe(customer);

    const all = await h.api('GET', '/api/v4/customers/transactions?limit=250');
    expect(all.json._embedded.transactions).toHaveLength(250);
    expect(new URL(all.json._links.next.href).searchParams.get('page')).toBe('2');
    expect((await h.api('GET', `/api/v4/customers/transactions?filter[id][]=${first.id}`)).json._embedded.transactions.map((t: { id: number }) => t.id)).toEqual([first.id]);
    expect((await h.api('GET', `/api/v4/customers/transactions/${first.id}`)).json.id).toBe(first.id);
    // Only filter[id] is documented for transactions.
    expect((await h.api('GET', `/api/v4/customers/transactions?filter[customer_id]=${customer}`)).status).toBe(400);
  });
});
