import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { contacts, customers, elements, notes } from '../test-support/amo-state.js';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 2, sales: 1 };
const longName = (word: string) => `${word} ${'Вильгельмина-Аделаида '.repeat(13)}Кузнецова`.trim();

describe.each(DATABASE_KINDS)('values over amoCRM limits on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('writes a 300-character buyer shortened, keeps the full name in one note per name, and no job fails', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    const name = longName('Анна');
    expect(name.length).toBeGreaterThan(255);

    // Live: a buyer created in МойСклад with a name amoCRM would refuse.
    const created = harness.ms.ui.createCounterparty({ name, companyType: 'individual', phone: '+79995550404' });
    const buyerId = String(created.id);
    await harness.queueIdle();
    const customerId = (await harness.links('counterparty')).get(buyerId)!;
    const customer = customers(harness).find((c) => c.id === customerId)!;
    expect(customer.name!.length).toBeLessThanOrEqual(255);
    expect(customer.name).toMatch(/^Анна Вильгельмина-Аделаида .*…$/);
    const contactId = (await harness.links('contact')).get(buyerId)!;
    expect(contacts(harness).find((c) => c.id === contactId)!.name).toBe(customer.name);
    const fullNotes = () => notes(harness, customerId).filter((note) => note.params?.text?.includes(`МойСклад: ${buyerId}:full:`));
    expect(fullNotes()).toHaveLength(1);
    expect(fullNotes()[0]!.params!.text).toContain(`Имя: ${name}`);
    // The card keeps the whole name.
    const row = await harness.database.db.selectFrom('buyers').select('name').where('account_id', '=', ACCOUNT_ID).where('moysklad_id', '=', buyerId).executeTakeFirstOrThrow();
    expect(row.name).toBe(name);

    // Another change of the same buyer: the note already holds these values, so no second one.
    harness.ms.ui.updateCounterparty(buyerId, { email: 'anna@example.com' });
    await harness.queueIdle();
    expect(fullNotes()).toHaveLength(1);

    // A new long name: a note for it.
    const renamed = longName('Мария');
    harness.ms.ui.updateCounterparty(buyerId, { name: renamed });
    await harness.queueIdle();
    expect(fullNotes()).toHaveLength(2);
    expect(fullNotes().some((note) => note.params!.text!.includes(`Имя: ${renamed}`))).toBe(true);

    // Bulk: a long-named buyer and product the webhooks never told about, found by the reconciliation.
    harness.ms.faults = { dropWebhookRatio: 1 };
    const quiet = harness.ms.ui.createCounterparty({ name: longName('Ольга'), companyType: 'individual', phone: '+79995550505' });
    const product = harness.ms.ui.createProduct({ name: `Штатив ${'профессиональный '.repeat(20)}`.trim() });
    await harness.ms.webhooksSettled();
    harness.ms.faults = {};
    await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    const quietCustomer = (await harness.links('counterparty')).get(String(quiet.id))!;
    expect(customers(harness).find((c) => c.id === quietCustomer)!.name!.length).toBeLessThanOrEqual(255);
    expect(notes(harness, quietCustomer).filter((note) => note.params?.text?.includes(':full:'))).toHaveLength(1);
    const elementId = (await harness.links('product')).get(String(product.id));
    expect(elements(harness).find((e) => e.id === elementId)!.name!.length).toBeLessThanOrEqual(255);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
    expect(harness.amo.requestLog(SUBDOMAIN).filter((entry: { status: number; ui?: boolean }) => !entry.ui && entry.status === 400).map((e: { route: string }) => e.route)).toEqual([]);
  });
});
