import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { fieldValue, notes } from '../test-support/amo-state.js';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 2, sales: 2 };

type Wire = { method: string; route: string; ui?: boolean };
/** The proxy's amoCRM calls since `from` (the request log's index), as `METHOD route`. */
const amoCallsSince = (h: SyncHarness, from: number) =>
  (h.amo.requestLog(SUBDOMAIN) as Wire[])
    .slice(from)
    .filter((entry) => !entry.ui)
    .map((entry) => `${entry.method} ${entry.route}`);
const msCallsSince = (h: SyncHarness, from: number) => h.ms.requestLog.slice(from).map((entry) => `${entry.method} ${entry.path.replace(/[0-9a-f-]{36}/g, '{id}')}`);
const restoredNotes = (h: SyncHarness, customerId: number) => notes(h, customerId).filter((note) => note.params?.text?.includes('ведутся в МойСклад'));

describe.each(DATABASE_KINDS)('bonus fields edited in amoCRM on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('puts МойСклад\'s points and card back within seconds, with a note; our own writes cost no request', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.settle();
    const sale = harness.ms.sellAtTill({ buyer: { name: 'Морозова Елена', phone: '+79995550606', discountCardNumber: '2000000999001' }, positions: [{ productId: String(harness.ms.list('product')[0]!.id), quantity: 1 }] });
    const buyerId = String(sale.counterparty.id);
    await harness.queueIdle();
    const customerId = (await harness.links('counterparty')).get(buyerId)!;
    const points = String(harness.ms.get('counterparty', buyerId).bonusPoints);
    const customer = () => harness.amo.store.customer(SUBDOMAIN, customerId);
    expect(String(fieldValue(customer(), 'BONUS_POINTS'))).toBe(points);
    expect(points).not.toBe('9999');

    // A manager types other points: the edit is put back and the manager told why.
    let amoFrom = harness.amo.requestLog(SUBDOMAIN).length;
    let msFrom = harness.ms.requestLog.length;
    expect(harness.amo.editCustomerField(SUBDOMAIN, customerId, 'BONUS_POINTS', 9999)).toBe(true);
    await harness.queueIdle();
    expect(String(fieldValue(customer(), 'BONUS_POINTS'))).toBe(points);
    expect(restoredNotes(harness, customerId)).toHaveLength(1);
    expect(restoredNotes(harness, customerId)[0]!.params!.text).toContain(`«Бонусные баллы»: 9999 → ${points}`);
    // One read of each side, one write, one note; the webhook our write fired cost nothing.
    expect(amoCallsSince(harness, amoFrom)).toEqual(['GET /api/v4/customers/{id}', 'PATCH /api/v4/customers', 'POST /api/v4/customers/{id}/notes']);
    expect(msCallsSince(harness, msFrom)).toEqual(['GET /entity/counterparty/{id}']);
    expect(harness.amo.webhookLog.filter((entry) => entry.event === 'update_customer').slice(-2).map((entry) => entry.status)).toEqual([200, 200]);

    // The card field, cleared by hand: back too.
    expect(harness.amo.editCustomerField(SUBDOMAIN, customerId, 'BONUS_CARD', null)).toBe(true);
    await harness.queueIdle();
    expect(fieldValue(customer(), 'BONUS_CARD')).toBe('2000000999001');
    expect(restoredNotes(harness, customerId)).toHaveLength(2);

    // Our own writes (a till sale changes the points) and edits of other fields fire update_customer as well: no
    // request, no note.
    amoFrom = harness.amo.requestLog(SUBDOMAIN).length;
    msFrom = harness.ms.requestLog.length;
    harness.ms.sellAtTill({ buyer: { id: buyerId }, positions: [{ productId: String(harness.ms.list('product')[0]!.id), quantity: 2 }] });
    await harness.queueIdle();
    expect(harness.amo.renameCustomerAsUser(SUBDOMAIN, customerId, 'Морозова Елена (VIP)')).toBe(true);
    await harness.queueIdle();
    expect(String(fieldValue(customer(), 'BONUS_POINTS'))).toBe(String(harness.ms.get('counterparty', buyerId).bonusPoints));
    expect(amoCallsSince(harness, amoFrom).filter((call) => call === 'GET /api/v4/customers/{id}')).toEqual([]);
    expect(restoredNotes(harness, customerId)).toHaveLength(2);
    const changed = await harness.database.db.selectFrom('jobs').select('state').where('kind', '=', 'sync.amo_customer_changed').execute();
    expect(changed.length).toBeGreaterThanOrEqual(4);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
    expect((await harness.database.db.selectFrom('operation_log').select('kind').where('account_id', '=', ACCOUNT_ID).where('kind', '=', 'sync.bonus_fields_restored').execute()).length).toBe(2);
  });

  it('never trusts the webhook: a forged one claiming other points makes one read and no write', async () => {
    h = await startSyncHarness(kind, { seed: SMALL_SEED });
    const harness = h;
    await harness.settle();
    const [buyerId, customerId] = [...(await harness.links('counterparty'))][0]!;
    const before = fieldValue(harness.amo.store.customer(SUBDOMAIN, customerId), 'BONUS_POINTS');
    const secret = (await harness.proxy.context.accounts.webhookSecret(ACCOUNT_ID, 'amocrm'))!;
    const amoFrom = harness.amo.requestLog(SUBDOMAIN).length;
    const body = new URLSearchParams({
      'customers[update][0][id]': String(customerId),
      'customers[update][0][custom_fields][0][id]': '1',
      'customers[update][0][custom_fields][0][code]': 'MOYSKLAD_ID',
      'customers[update][0][custom_fields][0][values][0][value]': buyerId,
      'customers[update][0][custom_fields][1][id]': '2',
      'customers[update][0][custom_fields][1][code]': 'BONUS_POINTS',
      'customers[update][0][custom_fields][1][values][0][value]': '123456',
      'account[id]': String(ACCOUNT_ID),
    });
    const answer = await fetch(`${harness.proxy.url}/webhooks/amocrm/${ACCOUNT_ID}/${secret}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    expect(answer.status).toBe(200);
    await harness.queueIdle();
    expect(amoCallsSince(harness, amoFrom)).toEqual(['GET /api/v4/customers/{id}']);
    expect(fieldValue(harness.amo.store.customer(SUBDOMAIN, customerId), 'BONUS_POINTS')).toBe(before);
    expect(restoredNotes(harness, customerId)).toEqual([]);
    // A payload that is not a customer list is refused and enqueues nothing.
    const bad = await fetch(`${harness.proxy.url}/webhooks/amocrm/${ACCOUNT_ID}/${secret}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `customers[update][0][id]=abc&account[id]=${ACCOUNT_ID}` });
    expect(bad.status).toBe(400);
  });
});
