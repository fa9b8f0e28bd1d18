import qs from 'qs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Receiver, startHarness, type Harness } from '../test-support.js';

describe('webhooks', () => {
  let h: Harness;
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await new Receiver().start();
    h = await startHarness();
    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
  });
  afterEach(async () => {
    await h.emu.close();
    await receiver.stop();
  });

  const subscribe = (settings: string[]) => h.api('POST', '/api/v4/webhooks', { destination: `${receiver.origin}/hooks/amo`, settings });

  /**
   * Deliveries are concurrent, so the receiver may see them in any order: each one is found by what it carries
   * (`customers[add]`, `contacts[delete]`, …), never by its position. Exactly one delivery per event is expected.
   */
  const delivered = (entity: string, action: string): any => {
    const matching = receiver.requests.map((r) => qs.parse(r.body, { depth: 10 }) as any).filter((body) => body[entity]?.[action] !== undefined);
    expect(matching, `deliveries with ${entity}[${action}]`).toHaveLength(1);
    return matching[0][entity][action];
  };
  const rawDelivery = (needle: string) => receiver.requests.map((r) => decodeURIComponent(r.body)).find((raw) => raw.includes(needle));
  const logged = () => h.emu.webhookLog.map((d) => [d.event, d.status]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  it('manages subscriptions: create (201), update by destination, list, delete (204)', async () => {
    const created = await subscribe(['add_customer']);
    expect(created.status).toBe(201);
    expect((await subscribe(['add_customer', 'delete_customer'])).json.settings).toEqual(['add_customer', 'delete_customer']);
    const list = await h.api('GET', '/api/v4/webhooks');
    expect(list.json._embedded.webhooks).toHaveLength(1);
    expect((await h.api('POST', '/api/v4/webhooks', { destination: `${receiver.origin}/x`, settings: ['explode'] })).status).toBe(400);
    expect((await h.api('DELETE', '/api/v4/webhooks', { destination: `${receiver.origin}/hooks/amo` })).status).toBe(204);
    expect((await h.api('GET', '/api/v4/webhooks')).status).toBe(204);
  });

  it('delivers customer add/update/delete and notes form-encoded with v2 field names', async () => {
    await subscribe(['add_customer', 'update_customer', 'delete_customer', 'note_customer']);
    const [{ id }] = (await h.api('POST', '/api/v4/customers', [{ name: 'Покупатель Вебхуков' }])).json._embedded.customers;
    await h.api('PATCH', '/api/v4/customers', [{ id, name: 'Переименован' }]);
    await h.api('POST', `/api/v4/customers/${id}/notes`, [{ note_type: 'common', params: { text: 'Заметка' } }]);
    h.emu.deleteCustomerAsUser('demo', id);
    await h.emu.webhooksIdle();

    expect(receiver.requests).toHaveLength(4);
    for (const request of receiver.requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    }
    const raw = rawDelivery(`customers[add][0][id]=${id}`);
    expect(raw).toContain('account[subdomain]=demo');
    expect(raw).toContain('account[id]=31000001');
    expect(delivered('customers', 'add')[0]).toMatchObject({ id: String(id), name: 'Покупатель Вебхуков', date_create: expect.any(String), last_modified: expect.any(String) });
    expect(delivered('customers', 'update')[0].name).toBe('Переименован');
    expect(delivered('customers', 'note')[0].note).toMatchObject({ element_id: String(id), note_type: 'common', text: 'Заметка' });
    expect(delivered('customers', 'delete')[0].id).toBe(String(id));
    expect(logged()).toEqual([['add_customer', 200], ['delete_customer', 200], ['note_customer', 200], ['update_customer', 200]]);
  });

  it('delivers contact changes, records failures, and sends nothing for a catalog element deleted in the UI', async () => {
    await subscribe(['add_contact', 'update_contact', 'delete_contact']);
    const [{ id: contactId }] = (await h.api('POST', '/api/v4/contacts', [{ name: 'Контакт', custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+79120000000' }] }] }])).json._embedded.contacts;
    const catalogId = h.emu.store.productsCatalogId('demo');
    const [{ id: elementId }] = (await h.api('POST', `/api/v4/catalogs/${catalogId}/elements`, [{ name: 'Товар' }])).json._embedded.elements;
    expect(h.emu.deleteCatalogElementAsUser('demo', elementId)).toBe(true);
    await h.emu.webhooksIdle(); // the contact's creation delivered before the receiver starts failing
    receiver.status = 500;
    h.emu.deleteContactAsUser('demo', contactId);
    await h.emu.webhooksIdle();

    // custom_fields sit 6 brackets deep: qs.parse's default depth (5) would leave them as flat keys.
    expect(receiver.requests).toHaveLength(2); // no catalog event exists in crm_platform/webhooks-api
    expect(delivered('contacts', 'add')[0]).toMatchObject({ id: String(contactId), type: 'contact', custom_fields: [{ code: 'PHONE', values: [{ value: '+79120000000' }] }] });
    expect(delivered('contacts', 'delete')[0].id).toBe(String(contactId));
    // The receiver turned to 500 before the contact was deleted: that delivery is recorded as failed.
    expect(logged()).toEqual([['add_contact', 200], ['delete_contact', 500]]);
    expect(h.emu.store.catalogElements('demo')).toHaveLength(0);
  });

  it('sends update webhooks for edits made as a user in the UI', async () => {
    await subscribe(['update_customer', 'update_contact']);
    const [{ id: customerId }] = (await h.api('POST', '/api/v4/customers', [{ name: 'До' }])).json._embedded.customers;
    const [{ id: contactId }] = (await h.api('POST', '/api/v4/contacts', [{ name: 'До' }])).json._embedded.contacts;
    expect(h.emu.renameCustomerAsUser('demo', customerId, 'После')).toBe(true);
    expect(h.emu.renameContactAsUser('demo', contactId, 'После')).toBe(true);
    expect(h.emu.renameContactAsUser('demo', 1, 'x')).toBe(false);
    await h.emu.webhooksIdle();
    expect(receiver.requests).toHaveLength(2);
    expect(delivered('customers', 'update')[0]).toMatchObject({ id: String(customerId), name: 'После' });
    expect(delivered('contacts', 'update')[0]).toMatchObject({ id: String(contactId), name: 'После', type: 'contact' });
  });

  it('refuses settings outside the documented list (delete_catalog, add_catalog, …) with a validation-errors 400', async () => {
    for (const setting of ['delete_catalog', 'add_catalog', 'update_catalog', 'explode']) {
      const res = await subscribe(['add_customer', setting]);
      expect(res.status, setting).toBe(400);
      expect(res.type).toContain('application/problem+json');
      expect(res.json).toMatchObject({ title: 'Bad Request', type: 'https://httpstatus.es/400', status: 400, detail: 'Request validation failed' });
      expect(res.json['validation-errors']).toEqual([{ request_id: '0', errors: [expect.objectContaining({ code: 'NotSupportedChoice', path: 'settings.1' })] }]);
    }
    expect((await h.api('GET', '/api/v4/webhooks')).status).toBe(204); // nothing was subscribed
    // Every documented event is accepted in one subscription.
    const all = ['responsible_customer', 'add_customer', 'update_customer', 'delete_customer', 'note_customer', 'add_contact', 'update_contact', 'delete_contact', 'restore_contact', 'status_lead', 'add_task'];
    expect((await subscribe(all)).status).toBe(201);
  });

  it('delivers a manager\'s hand edit of a customer field as update_customer in the documented v2 form', async () => {
    await h.api('POST', '/api/v4/customers/custom_fields', [{ name: 'Бонусные баллы', type: 'numeric', code: 'BONUS_POINTS' }]);
    const [{ id: customerId }] = (await h.api('POST', '/api/v4/customers', [{ name: 'Анна', custom_fields_values: [{ field_code: 'BONUS_POINTS', values: [{ value: 534 }] }] }])).json._embedded.customers;
    await subscribe(['update_customer']);
    expect(h.emu.editCustomerField('demo', customerId, 'BONUS_POINTS', 9999)).toBe(true);
    expect(h.emu.editCustomerField('demo', 1, 'BONUS_POINTS', 1)).toBe(false);
    expect(() => h.emu.editCustomerField('demo', customerId, 'BONUS_POINTS', 'много')).toThrow(/BONUS_POINTS/);
    expect(() => h.emu.editCustomerField('demo', customerId, 'NO_SUCH_FIELD', 1)).toThrow(/NO_SUCH_FIELD/);
    await h.emu.webhooksIdle();

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // crm_platform/webhooks-format: {entity: {action: {0: {fields}}}} with v2 names, strings on the wire.
    const body = qs.parse(request!.body, { depth: 10 }) as any;
    expect(Object.keys(body)).toEqual(['customers', 'account']);
    const customer = body.customers.update[0];
    expect(customer).toMatchObject({
      id: String(customerId), name: 'Анна', responsible_user_id: expect.any(String), date_create: expect.any(String), last_modified: expect.any(String),
      created_user_id: expect.any(String), modified_user_id: '5000002', account_id: '31000001', created_at: customer.date_create, updated_at: customer.last_modified,
    });
    expect(customer.custom_fields).toEqual([{ id: expect.any(String), name: 'Бонусные баллы', code: 'BONUS_POINTS', values: [{ value: '9999' }] }]);
    expect(body.account).toMatchObject({ subdomain: 'demo', id: '31000001' });
    expect((await h.api('GET', `/api/v4/customers/${customerId}`)).json.custom_fields_values[0].values).toEqual([{ value: '9999' }]);
  });
});
