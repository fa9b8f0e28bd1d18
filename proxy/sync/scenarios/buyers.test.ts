import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_IDS } from '../../../sandbox/moysklad/emulator.js';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { amoAsUser, contacts, customers, fieldValue, fieldValues, type Entity } from '../test-support/amo-state.js';
import { SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 3, legalEntities: 1, entrepreneurs: 1, products: 3, sales: 2 };

describe.each(DATABASE_KINDS)('buyers from МойСклад UI on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('syncs individuals only: created, renamed, linked to a contact with the same phone, re-created after deletion in amoCRM', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    const customersBefore = customers(harness).length;
    const contactsBefore = contacts(harness).length;

    // Not persons: a legal entity, an entrepreneur, and edits of «Розничный покупатель» and of a seeded company.
    harness.ms.ui.createCounterparty({ name: 'ООО «Ромашка»', companyType: 'legal', phone: '+79990000001', email: 'office@romashka.ru' });
    harness.ms.ui.createCounterparty({ name: 'ИП Сидоров', companyType: 'entrepreneur', phone: '+79990000002' });
    const retail = harness.ms.list('counterparty').find((c) => c.name === 'Розничный покупатель')!;
    harness.ms.ui.updateCounterparty(String(retail.id), { description: 'касса' });
    const company = harness.ms.list('counterparty').find((c) => c.companyType === 'legal' && c.name !== 'Розничный покупатель')!;
    harness.ms.ui.updateCounterparty(String(company.id), { name: 'ООО «Меридиан Плюс»' });
    // Even a «Розничный покупатель» typed as a person is the anonymous till buyer.
    harness.ms.ui.createCounterparty({ name: 'Розничный покупатель', companyType: 'individual', phone: '+79990000003' });
    await harness.queueIdle();
    expect(customers(harness)).toHaveLength(customersBefore);
    expect(contacts(harness)).toHaveLength(contactsBefore);

    // A person typed in by hand: phone and e-mail in their usual messy forms.
    const anna = harness.ms.ui.createCounterparty({
      name: 'Иванова Анна Петровна',
      companyType: 'individual',
      legalFirstName: 'Анна',
      legalLastName: 'Иванова',
      phone: '8 (999) 123-45-67',
      email: ' Anna.Ivanova@Example.RU ',
    });
    await harness.queueIdle();
    const annaCustomerId = (await harness.links('counterparty')).get(String(anna.id));
    expect(annaCustomerId).toBeDefined();
    const annaCustomer = harness.amo.store.customer(SUBDOMAIN, annaCustomerId!) as Entity & { _embedded: { contacts: { id: number; is_main: boolean }[] } };
    expect(annaCustomer.name).toBe('Иванова Анна Петровна');
    expect(fieldValue(annaCustomer, 'MOYSKLAD_ID')).toBe(anna.id);
    const main = annaCustomer._embedded.contacts.find((c) => c.is_main);
    expect(main).toBeDefined();
    const annaContact = contacts(harness).find((c) => c.id === main!.id)!;
    expect(fieldValues(annaContact, 'PHONE')).toEqual(['+79991234567']);
    expect(fieldValues(annaContact, 'EMAIL')).toEqual(['anna.ivanova@example.ru']);
    expect(customers(harness)).toHaveLength(customersBefore + 1);

    // Renamed in МойСклад → renamed in amoCRM (customer and contact), nothing new created.
    harness.ms.ui.updateCounterparty(String(anna.id), { name: 'Петрова Анна Петровна' });
    await harness.queueIdle();
    expect((harness.amo.store.customer(SUBDOMAIN, annaCustomerId!) as Entity).name).toBe('Петрова Анна Петровна');
    expect(contacts(harness).find((c) => c.id === main!.id)!.name).toBe('Петрова Анна Петровна');
    expect(customers(harness)).toHaveLength(customersBefore + 1);

    // The shop already had this person as an amoCRM contact: the buyer is linked to it, not duplicated.
    const created = (await amoAsUser(harness, 'POST', '/api/v4/contacts', [
      { name: 'Олег (звонил в магазин)', custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+7 999 555-44-33', enum_code: 'WORK' }] }] },
    ])) as { _embedded: { contacts: { id: number }[] } };
    const existingContactId = created._embedded.contacts[0]!.id;
    const contactsNow = contacts(harness).length;
    const oleg = harness.ms.ui.createCounterparty({ name: 'Смирнов Олег', companyType: 'individual', phone: '89995554433' });
    await harness.queueIdle();
    expect((await harness.links('contact')).get(String(oleg.id))).toBe(existingContactId);
    expect(contacts(harness)).toHaveLength(contactsNow);
    const olegCustomer = harness.amo.store.customer(SUBDOMAIN, (await harness.links('counterparty')).get(String(oleg.id))!) as Entity & {
      _embedded: { contacts: { id: number; is_main: boolean }[] };
    };
    expect(olegCustomer._embedded.contacts).toEqual([expect.objectContaining({ id: existingContactId, is_main: true })]);

    // A second buyer sharing Oleg's phone (family phone) gets a contact of their own instead of failing.
    const olga = harness.ms.ui.createCounterparty({ name: 'Смирнова Ольга', companyType: 'individual', phone: '+7 999 555 44 33' });
    await harness.queueIdle();
    const olgaContact = (await harness.links('contact')).get(String(olga.id));
    expect(olgaContact).toBeDefined();
    expect(olgaContact).not.toBe(existingContactId);
    expect(customers(harness)).toHaveLength(customersBefore + 3);

    // A manager deletes Anna's customer in amoCRM; her next purchase brings her back instead of failing forever.
    expect(harness.amo.deleteCustomerAsUser(SUBDOMAIN, annaCustomerId!)).toBe(true);
    const product = harness.ms.list('product').find((p) => !p.archived)!;
    const sale = harness.ms.sellAtTill({ buyer: { id: String(anna.id) }, positions: [{ productId: String(product.id), quantity: 1 }] });
    await harness.queueIdle();
    const annaAgain = (await harness.links('counterparty')).get(String(anna.id))!;
    expect(annaAgain).not.toBe(annaCustomerId);
    expect(harness.amo.store.transactions(SUBDOMAIN, annaAgain).map((t) => String(t.comment))).toEqual([expect.stringContaining(String(sale.retaildemand.id))]);
    expect(customers(harness)).toHaveLength(customersBefore + 3);

    // Deleted again, and this time the sale leaves her points as they were (1 rouble earns nothing), so nothing about
    // the buyer is re-sent: the purchase itself finds the customer gone and brings her back.
    const baseUrl = String((product.meta as { href: string }).href).replace(/\/entity\/.*$/, '');
    const cheap = harness.ms.ui.createProduct({
      name: 'Пакет',
      salePrices: [{ value: 100, priceType: { meta: { href: `${baseUrl}/context/companysettings/pricetype/${FIXED_IDS.priceTypeSale}`, type: 'pricetype' } } }],
    });
    await harness.queueIdle();
    const pointsBefore = harness.ms.get('counterparty', String(anna.id)).bonusPoints;
    expect(harness.amo.deleteCustomerAsUser(SUBDOMAIN, annaAgain)).toBe(true);
    const small = harness.ms.sellAtTill({ buyer: { id: String(anna.id) }, positions: [{ productId: String(cheap.id), quantity: 1 }] });
    expect(harness.ms.get('counterparty', String(anna.id)).bonusPoints).toBe(pointsBefore);
    await harness.queueIdle();
    const annaThird = (await harness.links('counterparty')).get(String(anna.id))!;
    expect(annaThird).not.toBe(annaAgain);
    expect(harness.amo.store.transactions(SUBDOMAIN, annaThird).map((t) => String(t.comment))).toEqual([expect.stringContaining(String(small.retaildemand.id))]);
    expect(customers(harness)).toHaveLength(customersBefore + 3);
    const failed = await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute();
    expect(failed).toEqual([]);
  });
});
