// Conformance: crm_platform/entity-links-api «Массовая привязка / отвязка / список связанных сущностей» for customers.
import qs from 'qs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Receiver, startHarness, type Harness } from '../test-support.js';

describe('bulk links of customers (POST /customers/link, POST /customers/unlink, GET /customers/links)', () => {
  let h: Harness;
  let catalogId: number;
  beforeEach(async () => {
    h = await startHarness();
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    catalogId = h.emu.store.productsCatalogId('demo');
  });
  afterEach(async () => h.emu.close());

  const createCustomers = async (n: number): Promise<number[]> =>
    (await h.api('POST', '/api/v4/customers', Array.from({ length: n }, (_, i) => ({ name: `Покупатель ${i}` })))).json._embedded.customers.map((c: { id: number }) => c.id);
  const createContacts = async (n: number): Promise<number[]> =>
    (await h.api('POST', '/api/v4/contacts', Array.from({ length: n }, (_, i) => ({ name: `Контакт ${i}` })))).json._embedded.contacts.map((c: { id: number }) => c.id);

  it('links contacts and catalog elements to several customers in one request, answering as documented', async () => {
    const [first, second] = (await createCustomers(2)) as [number, number];
    const [contact] = await createContacts(1);
    const [{ id: elementId }] = (await h.api('POST', `/api/v4/catalogs/${catalogId}/elements`, [{ name: 'Камера' }])).json._embedded.elements;
    // The documented request, with this account's ids.
    const res = await h.api('POST', '/api/v4/customers/link', [
      { entity_id: first, to_entity_id: elementId, to_entity_type: 'catalog_elements', metadata: { quantity: 1, catalog_id: catalogId } },
      { entity_id: second, to_entity_id: contact, to_entity_type: 'contacts', metadata: { is_main: true } },
    ]);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/hal+json');
    expect(res.json).toEqual({
      _total_items: 2,
      _links: { self: { href: `${h.base}/api/v4/customers/link` } },
      _embedded: {
        links: [
          { entity_id: first, entity_type: 'customers', to_entity_id: elementId, to_entity_type: 'catalog_elements', metadata: { quantity: 1, catalog_id: catalogId } },
          { entity_id: second, entity_type: 'customers', to_entity_id: contact, to_entity_type: 'contacts', metadata: { main_contact: true } },
        ],
      },
    });
    expect((await h.api('GET', `/api/v4/customers/${second}?with=contacts`)).json._embedded.contacts).toEqual([expect.objectContaining({ id: contact, is_main: true })]);

    const list = await h.api('GET', `/api/v4/customers/links?filter[entity_id][]=${first}&filter[entity_id][]=${second}`);
    expect(list.json._embedded.links.map((l: { entity_id: number; to_entity_id: number }) => [l.entity_id, l.to_entity_id])).toEqual([[first, elementId], [second, contact]]);
    expect((await h.api('GET', `/api/v4/customers/links?filter[entity_id][]=${first}&filter[to_entity_type]=contacts`)).status).toBe(204);
    expect((await h.api('GET', '/api/v4/customers/links')).status).toBe(400); // filter[entity_id] is required

    const unlinked = await h.api('POST', '/api/v4/customers/unlink', [{ entity_id: second, to_entity_id: contact, to_entity_type: 'contacts' }]);
    expect(unlinked.status).toBe(204);
    expect(h.emu.store.links('demo', second)).toEqual([]);
    expect(h.emu.store.links('demo', first)).toHaveLength(1);
  });

  it('takes 250 items in one request, refuses 251, and rejects the whole batch for one bad item with its request_id', async () => {
    const customers = await createCustomers(250);
    const contacts = await createContacts(250);
    const items = customers.map((entity_id, i) => ({ entity_id, to_entity_id: contacts[i]!, to_entity_type: 'contacts' }));
    const full = await h.api('POST', '/api/v4/customers/link', items);
    expect(full.status).toBe(200);
    expect(full.json._embedded.links).toHaveLength(250);
    expect(full.json._embedded.links.every((l: { metadata: { main_contact: boolean } }) => l.metadata.main_contact)).toBe(true); // each customer's first contact is main

    const tooMany = await h.api('POST', '/api/v4/customers/link', [...items, items[0]]);
    expect(tooMany.status).toBe(400);
    expect(tooMany.type).toContain('application/problem+json');

    const [spare] = await createCustomers(1);
    const bad = await h.api('POST', '/api/v4/customers/link', [
      { entity_id: spare, to_entity_id: contacts[0], to_entity_type: 'contacts' },
      { entity_id: 1, to_entity_id: contacts[0], to_entity_type: 'contacts' },
      { entity_id: spare, to_entity_id: 2, to_entity_type: 'contacts', request_id: 'mine' },
      { to_entity_id: contacts[0], to_entity_type: 'contacts' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ title: 'Bad Request', status: 400, detail: 'Request validation failed' });
    expect(bad.json['validation-errors']).toEqual([
      { request_id: '1', errors: [expect.objectContaining({ code: 'NotFound', path: 'entity_id' })] },
      { request_id: 'mine', errors: [expect.objectContaining({ code: 'NotFound', path: 'to_entity_id' })] },
      { request_id: '3', errors: [expect.objectContaining({ code: 'NotBlank', path: 'entity_id' })] },
    ]);
    expect(h.emu.store.links('demo', spare!)).toEqual([]); // nothing of the rejected batch was applied
  });

  it('sends one update_customer webhook per linked customer', async () => {
    const receiver = await new Receiver().start();
    try {
      await h.api('POST', '/api/v4/webhooks', { destination: `${receiver.origin}/amo`, settings: ['update_customer'] });
      const [a, b] = await createCustomers(2);
      const [contactA, contactB] = await createContacts(2);
      await h.api('POST', '/api/v4/customers/link', [
        { entity_id: a, to_entity_id: contactA, to_entity_type: 'contacts' },
        { entity_id: b, to_entity_id: contactB, to_entity_type: 'contacts' },
      ]);
      await h.emu.webhooksIdle();
      expect(receiver.requests).toHaveLength(1);
      const body = qs.parse(receiver.requests[0]!.body, { depth: 10 }) as { customers: { update: Array<{ id: string; linked_contacts_id: string[] }> } };
      expect(body.customers.update.map((c) => [c.id, c.linked_contacts_id])).toEqual([[String(a), [String(contactA)]], [String(b), [String(contactB)]]]);
    } finally {
      await receiver.stop();
    }
  });
});
