import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { collect } from '../paginate.js';
import { parseExample } from '../test-support/parse-example.js';
import { AMO_BASE } from '../test-support/fake-amocrm.js';
import { testAmoClient, useFakeAmoCrm } from '../test-support/msw-setup.js';
import { referenceBlocks as ref } from '../test-support/reference-examples.js';

const ctx = useFakeAmoCrm();
type Items = Array<Record<string, unknown>>;

describe('amoCRM typed methods', () => {
  it('switches customers on', async () => {
    await (await testAmoClient()).customers.setMode('segments');
    expect(ctx.fake.requests[0]!.body).toEqual(parseExample(ref.customersModeRequest));
  });

  it('creates and updates customers with the documented bodies', async () => {
    const client = await testAmoClient();
    const created = await client.customers.createBatch(parseExample(ref.createCustomersRequest) as Items);
    expect(created.done.map((d) => d.item.name)).toEqual(['Покупатель для примера 1', 'Покупатель для примера 2']);
    expect(ctx.fake.requests[0]!.body).toEqual((parseExample(ref.createCustomersRequest) as Items).map((item, i) => ({ ...item, request_id: String(i) })));
    const update = (parseExample(ref.updateCustomersRequest) as Array<Record<string, unknown> & { id: number }>).map((item) => ({ ...item, id: created.done[0]!.result.id }));
    await client.customers.updateBatch(update);
    expect(ctx.fake.table('customers')[0]!.name).toBe('Новое название покупателя');
  });

  it('pages the documented customers list through _links.next', async () => {
    const page1 = parseExample(ref.customersPage) as Record<string, unknown>;
    const customer = (id: number) => ({ id, name: `C${id}`, _embedded: { contacts: [{ id: id + 100, is_main: true }] } });
    ctx.server.use(
      http.get(`${AMO_BASE}/api/v4/customers`, ({ request }) => {
        const page = new URL(request.url).searchParams.get('page');
        if (page === '1') return HttpResponse.json({ ...page1, _embedded: { customers: [customer(1), customer(2)] } });
        if (page === '2') return HttpResponse.json({ _page: 2, _links: { self: { href: `${AMO_BASE}/api/v4/customers?page=2` } }, _embedded: { customers: [customer(3)] } });
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const rows = await collect((await testAmoClient()).customers.iterate({ with: 'contacts' }));
    expect(rows.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(rows[0]!._embedded?.contacts?.[0]).toEqual({ id: 101, is_main: true });
  });

  it('iterates thousands of catalog elements 250 per page; an empty catalog is 204 → nothing', async () => {
    for (let i = 0; i < 1234; i += 1) ctx.fake.insert('elements-77', { name: `P${i}` });
    const client = await testAmoClient({ limiter: new (await import('../account-limiter.js')).AmoAccountLimiter({ requestsPerSecond: 7 }) });
    const rows = await collect(client.catalogs.iterateElements(77));
    expect(rows).toHaveLength(1234);
    expect(ctx.fake.requests.map((r) => r.url.searchParams.get('limit'))).toEqual(['250', '250', '250', '250', '250']);
    expect(await collect(client.catalogs.iterateElements(78))).toEqual([]);
  });

  it('ensures customer custom fields by code: creates only the missing ones, idempotently', async () => {
    ctx.fake.insert('custom_fields', { name: 'Бонусная карта', type: 'text', code: 'BONUS_CARD' });
    const specs = (parseExample(ref.createCustomFieldsHttp) as Array<{ code: string; name: string; type: 'text' }>);
    const client = await testAmoClient();
    const ids = await client.customers.ensureCustomFields(specs);
    expect([...ids.keys()]).toEqual(['BONUS_CARD', 'BONUS_POINTS']);
    const posts = ctx.fake.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.body)).toEqual([[specs[1]]]);
    const again = await client.customers.ensureCustomFields(specs);
    expect(again).toEqual(ids);
    expect(ctx.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('links contacts and products, records purchases without amoCRM bonuses, deletes them, adds notes', async () => {
    const client = await testAmoClient();
    await client.customers.link(134957, parseExample(ref.linkRequest) as never);
    const tx = await client.customers.createTransactions(134957, parseExample(ref.createTransactionsRequest) as never);
    const txPost = ctx.fake.requests.find((r) => r.url.pathname.endsWith('/transactions'))!;
    expect(txPost.url.searchParams.get('accrue_bonus')).toBe('false');
    expect(txPost.body).toEqual([{ ...(parseExample(ref.createTransactionsRequest) as Items)[0], request_id: '0' }]);
    await client.customers.deleteTransaction(tx.done[0]!.result.id);
    expect(ctx.fake.table('transactions')).toHaveLength(0);
    const notes = parseExample(ref.createNotesRequest) as never[];
    const written = await client.customers.addNotes(134957, notes);
    expect(written.done[0]!.item).toMatchObject({ note_type: 'extended_service_message', request_id: 'retaildemand-…' });
  });

  it('finds contacts by phone or e-mail and creates the documented contact', async () => {
    const client = await testAmoClient();
    await client.contacts.createBatch(parseExample(ref.createContactsRequest) as Items);
    ctx.fake.insert('contacts', { name: 'Другой', custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+7 912 123-45-99' }] }] });
    expect((await client.contacts.findByPhoneOrEmail('8 (912) 123-45-67')).map((c) => c.first_name)).toEqual(['Иван']);
    expect((await client.contacts.findByPhoneOrEmail('IVAN@example.com')).map((c) => c.last_name)).toEqual(['Иванов']);
    expect(await client.contacts.findByPhoneOrEmail('nobody@example.com')).toEqual([]);
  });

  it('products catalog: finds it, maps fields by code, creates documented elements, writes the GROUP tree whole, deletes', async () => {
    ctx.fake.insert('catalogs', { name: 'Счета', type: 'invoices' });
    const products = ctx.fake.insert('catalogs', { name: 'Товары', type: 'products' });
    const { custom_fields_values } = parseExample(ref.catalogElementFieldsFragment) as { custom_fields_values: Array<{ field_id: number; field_name: string; field_code: string; field_type: string }> };
    for (const f of custom_fields_values) ctx.fake.customFieldTrees.set(f.field_id, { id: f.field_id, name: f.field_name, code: f.field_code, type: f.field_type, nested: f.field_code === 'GROUP' ? [{ id: 10663, parent_id: null, value: 'Телефоны' }] : null });
    const client = await testAmoClient();
    const catalog = await client.catalogs.findProductsCatalog();
    expect(catalog?.id).toBe(products.id);
    const fields = await client.catalogs.fieldsByCode(catalog!.id);
    expect(fields.get('PRICE')?.id).toBe(271211);
    const group = fields.get('GROUP')!;
    expect((await client.catalogs.getField(catalog!.id, group.id)).nested).toEqual([{ id: 10663, parent_id: null, value: 'Телефоны' }]);
    await client.catalogs.writeCategoryTree(catalog!.id, group.id, [
      { id: 10663, parent_id: null, value: 'Телефоны' },
      { value: 'Фото', request_id: 'g0', parent_id: null },
      { value: 'Камеры', request_id: 'g1', parent_request_id: 'g0' },
    ]);
    expect(ctx.fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect((ctx.fake.customFieldTrees.get(group.id)!.nested as unknown[]).length).toBe(3);
    const created = await client.catalogs.createElements(catalog!.id, parseExample(ref.createCatalogElementsRequest) as never);
    expect(created.done[0]!.item).toMatchObject({ name: 'Кроссовки Nike Air', request_id: 'b3f0c2e4' });
    await client.catalogs.deleteElements(catalog!.id, [created.done[0]!.result.id]);
    expect(await collect(client.catalogs.iterateElements(catalog!.id))).toEqual([]);
  });

  it('subscribes and unsubscribes webhooks; reads the widget', async () => {
    const client = await testAmoClient();
    await client.account.subscribeWebhook('https://proxy.example.com/hooks/amo/s3cret', ['add_customer', 'update_customer', 'delete_customer']);
    expect(ctx.fake.webhooks.get('https://proxy.example.com/hooks/amo/s3cret')).toHaveLength(3);
    await client.account.unsubscribeWebhook('https://proxy.example.com/hooks/amo/s3cret');
    expect(ctx.fake.webhooks.size).toBe(0);
    expect(await client.account.getWidget('moysklad')).toMatchObject({ code: 'moysklad' });
  });
});
