import { afterEach, describe, expect, it } from 'vitest';
// Tests only: the client itself never imports the sandbox.
import { AmoCrmEmulator } from '../../../sandbox/amocrm/emulator.js';
import { AmoAccountLimiter } from '../account-limiter.js';
import { AmoClient } from '../client.js';
import { AmoValidationError } from '../errors.js';
import { accountBaseUrl, exchangeCode } from '../oauth.js';
import { collect } from '../paginate.js';
import { InMemoryTokenStore } from '../token-store.js';

const credentials = { clientId: 'proxy-client', clientSecret: 'proxy-secret-not-logged', redirectUri: 'https://proxy.example.com/amo/oauth' };
let emu: AmoCrmEmulator | null = null;

afterEach(async () => {
  await emu?.close();
  emu = null;
});

/** A client installed on the emulator's `demo` account; pacing is sped up, the emulator does not limit. */
async function installed() {
  const emulator = new AmoCrmEmulator({ integration: credentials, rateLimit: { perSecond: 100_000, blockAfterViolations: 10 } });
  emu = emulator;
  const { origin } = await emulator.listen(0);
  const template = `${origin}/a/{subdomain}`;
  const tokenStore = new InMemoryTokenStore();
  await tokenStore.save('31000001', await exchangeCode(emulator.issueAuthorizationCode('demo'), { baseUrl: accountBaseUrl(template, 'demo'), credentials }));
  const client = new AmoClient({ accountId: '31000001', subdomain: 'demo', baseUrlTemplate: template, credentials, tokenStore, limiter: new AmoAccountLimiter({ timeScale: 0.01 }) });
  await client.customers.setMode('segments');
  return { emu: emulator, client };
}

/** What the emulator saw: `METHOD route` and the batch size of each call after `since`. */
const wire = (e: AmoCrmEmulator, since = 0) => e.requestLog('demo').slice(since).map((entry) => [`${entry.method} ${entry.route}`, entry.items]);

async function customersAndContacts(client: AmoClient, n: number) {
  const customers = (await client.customers.createBatch(Array.from({ length: n }, (_, i) => ({ name: `Покупатель ${i}` })), { batchSize: 250 })).done.map((d) => d.result.id);
  const contacts = (await client.contacts.createBatch(Array.from({ length: n }, (_, i) => ({ name: `Контакт ${i}` })), { batchSize: 250 })).done.map((d) => d.result.id);
  return { customers, contacts };
}

describe('amoCRM bulk writes and listings against the emulator', () => {
  it('customers.linkMany links 300 customers in two requests (250 + 50) and maps every answer to its item', async () => {
    const { emu, client } = await installed();
    const { customers, contacts } = await customersAndContacts(client, 300);
    const before = emu.requestLog('demo').length;
    const items = customers.map((entity_id, i) => ({ entity_id, to_entity_id: contacts[i]!, to_entity_type: 'contacts' as const, metadata: { is_main: true } }));
    const outcome = await client.customers.linkMany(items);
    expect(wire(emu, before)).toEqual([['POST /api/v4/customers/link', 250], ['POST /api/v4/customers/link', 50]]);
    expect(outcome.rejected).toEqual([]);
    expect(outcome.done).toHaveLength(300);
    for (const { item, result } of outcome.done) expect(result).toMatchObject({ entity_id: item.entity_id, to_entity_id: item.to_entity_id, metadata: { main_contact: true } });
    expect(await client.contacts.customersOf(contacts[299]!)).toEqual([customers[299]]);
    // No request_id on the wire: the documented link item has none.
    expect(emu.store.links('demo', customers[0]!)).toEqual([{ customer_id: customers[0], to_entity_id: contacts[0], to_entity_type: 'contacts', metadata: { is_main: true } }]);
  });

  it('customers.linkMany names the rejected item of a later chunk correctly (skipInvalid) or throws with it', async () => {
    const { client } = await installed();
    const { customers, contacts } = await customersAndContacts(client, 4);
    const items = customers.map((entity_id, i) => ({ entity_id, to_entity_id: contacts[i]!, to_entity_type: 'contacts' as const }));
    const bad = { entity_id: customers[0]!, to_entity_id: 1, to_entity_type: 'contacts' as const };
    const withBad = [...items.slice(0, 3), bad, items[3]!];
    const outcome = await client.customers.linkMany(withBad, { batchSize: 2, skipInvalid: true });
    expect(outcome.rejected.map((r) => r.item)).toEqual([bad]);
    expect(outcome.rejected[0]!.errors[0]).toMatchObject({ code: 'NotFound', path: 'to_entity_id' });
    expect(outcome.done.map((d) => d.item)).toEqual(items);
    const thrown = await client.customers.linkMany([items[0]!, bad], { batchSize: 2 }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(AmoValidationError);
    expect((thrown as AmoValidationError).items.map((i) => i.item)).toEqual([bad]);
  });

  it('customers.addNotesMany writes 260 notes in two requests; iterateNotes / iterateNotesOf / findNoteContaining read them back', async () => {
    const { emu, client } = await installed();
    const { customers } = await customersAndContacts(client, 2);
    const [a, b] = customers as [number, number];
    const before = emu.requestLog('demo').length;
    const notes = Array.from({ length: 260 }, (_, i) => ({ entity_id: i < 255 ? a : b, note_type: 'extended_service_message' as const, params: { service: 'МойСклад', text: `Продажа №${i} [ms:retaildemand:${i}]` } }));
    const outcome = await client.customers.addNotesMany(notes);
    expect(wire(emu, before)).toEqual([['POST /api/v4/customers/notes', 250], ['POST /api/v4/customers/notes', 10]]);
    expect(outcome.done).toHaveLength(260);
    await client.customers.addNotes(a, [{ note_type: 'common', params: { text: 'от менеджера' } }]);

    const all = await collect(client.customers.iterateNotes(a));
    expect(all).toHaveLength(256);
    expect(all[0]).toMatchObject({ entity_id: a, note_type: 'extended_service_message', params: { text: 'Продажа №0 [ms:retaildemand:0]' } });
    expect((await collect(client.customers.iterateNotes(a, { noteTypes: ['common'] }))).map((n) => n.params?.text)).toEqual(['от менеджера']);
    expect((await collect(client.customers.iterateNotes(a, { order: 'desc' })))[0]!.params?.text).toBe('от менеджера');
    expect(await collect(client.customers.iterateNotes(a, { updatedFrom: Math.floor(Date.now() / 1000) + 3600 }))).toEqual([]);
    expect((await collect(client.customers.iterateNotesOf([b]))).map((n) => n.entity_id)).toEqual([b, b, b, b, b]);
    expect(await collect(client.customers.iterateNotesOf([a, b], { noteTypes: ['extended_service_message'] }))).toHaveLength(260);

    const marked = outcome.done.find((d) => d.item.params.text.includes('[ms:retaildemand:254]'))!.result.id;
    const reads = emu.requestLog('demo').length;
    expect(await client.customers.findNoteContaining(a, '[ms:retaildemand:254]')).toBe(marked); // on the second page
    expect(wire(emu, reads).map(([, items]) => items)).toEqual([null, null]);
    expect(emu.requestLog('demo').slice(reads).map((e) => e.query['limit'])).toEqual(['250', '250']);
    expect(await client.customers.findNoteContaining(a, '[ms:retaildemand:999]')).toBeNull();
    expect(await client.customers.findNoteContaining(b, 'anything')).toBeNull();
  });

  it('customers.createTransactions sends 250 purchases in one request; iterateTransactions / findTransactionContaining read them', async () => {
    const { emu, client } = await installed();
    const { customers } = await customersAndContacts(client, 2);
    const [a, b] = customers as [number, number];
    const before = emu.requestLog('demo').length;
    const purchases = Array.from({ length: 250 }, (_, i) => ({ price: 100 + i, comment: `Розничная продажа №${i} [ms:${i}]` }));
    await client.customers.createTransactions(a, purchases, { batchSize: 250 });
    expect(wire(emu, before)).toEqual([[`POST /api/v4/customers/{id}/transactions`, 250]]);
    const listed = await collect(client.customers.iterateTransactions(a));
    expect(listed).toHaveLength(250);
    expect(listed[3]).toMatchObject({ price: 103, comment: 'Розничная продажа №3 [ms:3]', customer_id: a });
    expect(await client.customers.findTransactionContaining(a, '[ms:249]')).toBe(listed[249]!.id);
    expect(await client.customers.findTransactionContaining(a, '[ms:250]')).toBeNull();
    expect(await collect(client.customers.iterateTransactions(b))).toEqual([]);
  });

  it('contacts.iterate reads the whole listing 250 a page; contacts.customersOf lists a contact\'s customers', async () => {
    const { emu, client } = await installed();
    const { customers, contacts } = await customersAndContacts(client, 260);
    await client.customers.linkMany([customers[0]!, customers[1]!].map((entity_id) => ({ entity_id, to_entity_id: contacts[7]!, to_entity_type: 'contacts' as const })));
    const before = emu.requestLog('demo').length;
    const all = await collect(client.contacts.iterate());
    expect(all.map((c) => c.id)).toEqual(contacts);
    expect(emu.requestLog('demo').slice(before).map((e) => [e.route, e.query['limit'] ?? null])).toEqual([['/api/v4/contacts', '250'], ['/api/v4/contacts', '250']]);
    expect((await collect(client.contacts.iterate({ order: 'desc' })))[0]!.id).toBe(contacts[259]);
    expect(await client.contacts.customersOf(contacts[7]!)).toEqual([customers[0], customers[1]]);
    expect(await client.contacts.customersOf(contacts[8]!)).toEqual([]);
    expect(await client.contacts.customersOf(1)).toEqual([]); // unknown contact: amoCRM answers 204
  });

  it('customers.findByFieldValue finds customers by an exact custom field value, not by a partial search hit', async () => {
    const { client } = await installed();
    await client.customers.ensureCustomFields([{ code: 'MOYSKLAD_ID', name: 'ID в МойСклад', type: 'text' }]);
    const id = 'c56d0702-85c7-11e9-ac12-000d000000b1';
    const created = await client.customers.createBatch([
      { name: 'Тот', custom_fields_values: [{ field_code: 'MOYSKLAD_ID', values: [{ value: id }] }] },
      { name: 'Похожий', custom_fields_values: [{ field_code: 'MOYSKLAD_ID', values: [{ value: `${id}-2` }] }] },
      { name: id },
    ]);
    expect((await client.customers.findByFieldValue('MOYSKLAD_ID', id)).map((c) => c.id)).toEqual([created.done[0]!.result.id]);
    expect(await client.customers.findByFieldValue('MOYSKLAD_ID', 'nobody')).toEqual([]);
  });

  it('catalogs.findProductsCatalog reads the documented listing (no type= sent) and picks the products list', async () => {
    const { emu, client } = await installed();
    emu.addCatalogAsUser('demo', { name: 'Просто список' });
    const before = emu.requestLog('demo').length;
    expect(await client.catalogs.findProductsCatalog()).toMatchObject({ id: emu.store.productsCatalogId('demo'), type: 'products' });
    const [call] = emu.requestLog('demo').slice(before);
    expect(call).toMatchObject({ method: 'GET', route: '/api/v4/catalogs' });
    expect(call!.query['type']).toBeUndefined();
  });
});
