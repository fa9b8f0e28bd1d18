import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support.js';

describe('contacts and the products catalog', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.emu.close());

  it('creates a contact with PHONE/EMAIL by field_code + enum_code and finds it by phone or e-mail', async () => {
    const created = await h.api('POST', '/api/v4/contacts', [
      {
        first_name: 'Иван', last_name: 'Иванов', request_id: 'ms-counterparty-7f3c',
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '+79121234567', enum_code: 'MOB' }] },
          { field_code: 'EMAIL', values: [{ value: 'ivan@example.com', enum_code: 'WORK' }] },
        ],
      },
    ]);
    expect(created.status).toBe(200);
    expect(created.json._embedded.contacts[0].request_id).toBe('ms-counterparty-7f3c');
    const id = created.json._embedded.contacts[0].id;
    const contact = (await h.api('GET', `/api/v4/contacts/${id}`)).json;
    expect(contact.name).toBe('Иван Иванов');
    const phone = contact.custom_fields_values.find((f: any) => f.field_code === 'PHONE');
    expect(phone).toMatchObject({ field_type: 'multitext', values: [{ value: '+79121234567', enum_code: 'MOB', enum_id: expect.any(Number) }] });
    for (const query of ['89121234567', '912 123-45-67', 'IVAN@example', 'Иванов']) {
      const found = await h.api('GET', `/api/v4/contacts?query=${encodeURIComponent(query)}`);
      expect(found.json?._embedded.contacts.map((c: any) => c.id), query).toEqual([id]);
    }
    expect((await h.api('GET', '/api/v4/contacts?query=79990000000')).status).toBe(204);
    const badEnum = await h.api('POST', '/api/v4/contacts', [{ custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '1', enum_code: 'PAGER' }] }] }]);
    expect(badEnum.json['validation-errors'][0].errors[0].path).toBe('custom_fields_values.0.values.0');
    // PATCH replaces the whole multitext set.
    await h.api('PATCH', '/api/v4/contacts', [{ id, custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+79000000001' }] }] }]);
    const patched = (await h.api('GET', `/api/v4/contacts/${id}`)).json.custom_fields_values;
    expect(patched.find((f: any) => f.field_code === 'PHONE').values).toEqual([{ value: '+79000000001', enum_id: expect.any(Number), enum_code: 'WORK' }]);
    expect(patched.find((f: any) => f.field_code === 'EMAIL')).toBeDefined();
  });

  it('lists the products catalog with its preset fields and creates elements by field code', async () => {
    const catalogs = await h.api('GET', '/api/v4/catalogs');
    const products = catalogs.json._embedded.catalogs.find((c: any) => c.type === 'products');
    expect(products).toBeDefined();
    const fields = (await h.api('GET', `/api/v4/catalogs/${products.id}/custom_fields`)).json._embedded.custom_fields;
    expect(fields.map((f: any) => [f.code, f.type])).toEqual([['SKU', 'text'], ['DESCRIPTION', 'textarea'], ['PRICE', 'numeric'], ['GROUP', 'category'], ['EXTERNAL_ID', 'text']]);

    const created = await h.api('POST', `/api/v4/catalogs/${products.id}/elements`, [
      {
        name: 'Кроссовки Nike Air',
        custom_fields_values: [
          { field_code: 'SKU', values: [{ value: 'NK-AIR-42' }] },
          { field_code: 'PRICE', values: [{ value: 7990 }] },
          { field_code: 'DESCRIPTION', values: [{ value: 'Размер 42' }] },
          { field_code: 'EXTERNAL_ID', values: [{ value: 'b3f0c2e4-moysklad-uuid' }] },
        ],
        request_id: 'b3f0c2e4',
      },
    ]);
    expect(created.status).toBe(200);
    const element = created.json._embedded.elements[0];
    expect(element).toMatchObject({ name: 'Кроссовки Nike Air', catalog_id: products.id, request_id: 'b3f0c2e4', is_deleted: false });
    expect(element.custom_fields_values.find((f: any) => f.field_code === 'PRICE').values).toEqual([{ value: '7990' }]);
    expect((await h.api('GET', `/api/v4/catalogs/${products.id}/elements?query=NK-AIR`)).json._embedded.elements).toHaveLength(1);
    expect((await h.api('POST', `/api/v4/catalogs/${products.id}/elements`, [{ name: 'x', custom_fields_values: [{ field_code: 'PRICE', values: [{ value: 'дорого' }] }] }])).status).toBe(400);

    const deleted = await h.api('DELETE', `/api/v4/catalogs/${products.id}/elements`, [{ id: element.id }]);
    expect(deleted.status).toBe(204);
    expect((await h.api('GET', `/api/v4/catalogs/${products.id}/elements/${element.id}`)).status).toBe(204);
    expect((await h.api('GET', `/api/v4/catalogs/${products.id}/elements`)).status).toBe(204);
  });

  it('edits the GROUP category tree via PATCH custom_fields and references nodes by enum_id or value', async () => {
    const catalogId = h.emu.store.productsCatalogId('demo');
    const group = h.emu.store.catalogCustomFields('demo').find((f) => f['code'] === 'GROUP') as { id: number };
    const patched = await h.api('PATCH', `/api/v4/catalogs/${catalogId}/custom_fields`, [
      { id: group.id, nested: [{ value: 'Фототовары', request_id: 'photo' }, { value: 'Камеры', parent_request_id: 'photo', request_id: 'cams' }] },
    ]);
    expect(patched.status).toBe(200);
    const nested = patched.json._embedded.custom_fields[0].nested;
    expect(nested).toHaveLength(2);
    expect(nested[1].parent_id).toBe(nested[0].id);
    const element = await h.api('POST', `/api/v4/catalogs/${catalogId}/elements`, [
      { name: 'Камера', custom_fields_values: [{ field_code: 'GROUP', values: [{ enum_id: nested[1].id }] }] },
      { name: 'Штатив', custom_fields_values: [{ field_code: 'GROUP', values: [{ value: 'Фототовары' }] }] },
    ]);
    expect(element.json._embedded.elements.map((e: any) => e.custom_fields_values[0].values[0])).toEqual([{ value: 'Камеры', enum_id: nested[1].id }, { value: 'Фототовары', enum_id: nested[0].id }]);
    const unknownParent = await h.api('PATCH', `/api/v4/catalogs/${catalogId}/custom_fields`, [{ id: group.id, nested: [{ value: 'X', parent_id: 1 }] }]);
    expect(unknownParent.status).toBe(400);
  });

  it('lists every contact 250 a page and shows a contact\'s customers with=customers (crm_platform/contacts-api)', async () => {
    await h.api('POST', '/api/v4/contacts', Array.from({ length: 250 }, (_, j) => ({ name: `К${j}` })));
    await h.api('POST', '/api/v4/contacts', Array.from({ length: 50 }, (_, j) => ({ name: `К${250 + j}` })));
    const first = await h.api('GET', '/api/v4/contacts?limit=250');
    expect(first.json._embedded.contacts).toHaveLength(250);
    const second = await h.api('GET', first.json._links.next.href.replace(h.base, ''));
    expect(second.json._embedded.contacts).toHaveLength(50);
    expect(second.json._links.next).toBeUndefined();
    const names = [...first.json._embedded.contacts, ...second.json._embedded.contacts].map((c: any) => c.name);
    expect(new Set(names).size).toBe(300);

    await h.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true });
    const contactId = first.json._embedded.contacts[0].id;
    const customers = (await h.api('POST', '/api/v4/customers', [{ name: 'Один' }, { name: 'Два' }])).json._embedded.customers.map((c: any) => c.id);
    await h.api('POST', '/api/v4/customers/link', customers.map((entity_id: number) => ({ entity_id, to_entity_id: contactId, to_entity_type: 'contacts' })));
    const withCustomers = (await h.api('GET', `/api/v4/contacts/${contactId}?with=customers`)).json;
    expect(withCustomers._embedded.customers).toEqual(customers.map((id: number) => ({ id, _links: { self: { href: `${h.base}/api/v4/customers/${id}` } } })));
    expect((await h.api('GET', `/api/v4/contacts/${contactId}`)).json._embedded.customers).toBeUndefined();
  });

  it('prints "is_deleted": null on elements read back and false in write answers, as the documented examples do', async () => {
    const catalogId = h.emu.store.productsCatalogId('demo');
    const created = (await h.api('POST', `/api/v4/catalogs/${catalogId}/elements`, [{ name: 'Элемент' }])).json._embedded.elements[0];
    expect(created.is_deleted).toBe(false);
    expect((await h.api('PATCH', `/api/v4/catalogs/${catalogId}/elements`, [{ id: created.id, name: 'Новое имя элемента' }])).json._embedded.elements[0].is_deleted).toBe(false);
    const listed = (await h.api('GET', `/api/v4/catalogs/${catalogId}/elements`)).json._embedded.elements[0];
    const single = (await h.api('GET', `/api/v4/catalogs/${catalogId}/elements/${created.id}`)).json;
    for (const element of [listed, single]) {
      expect(element.is_deleted).toBeNull();
      // The keys of the documented element, in the same places.
      expect(Object.keys(element)).toEqual(expect.arrayContaining(['id', 'name', 'created_by', 'updated_by', 'created_at', 'updated_at', 'is_deleted', 'custom_fields_values', 'catalog_id', 'account_id', '_links']));
    }
  });

  it('ignores an undocumented type= on GET /catalogs and answers every list', async () => {
    const regular = h.emu.addCatalogAsUser('demo', { name: 'Просто список' });
    for (const query of ['', '?type=products', '?type=regular']) {
      const catalogs = (await h.api('GET', `/api/v4/catalogs${query}`)).json._embedded.catalogs.map((c: any) => [c.name, c.type]);
      expect(catalogs, query).toEqual([['Товары', 'products'], ['Просто список', 'regular']]);
    }
    expect((await h.api('GET', `/api/v4/catalogs/${regular}`)).json).toMatchObject({ id: regular, type: 'regular', sdk_widget_code: null });
  });
});
