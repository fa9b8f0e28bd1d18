import { createHmac } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { AmoAuthorizationCheck } from '../../services/amo-authorization.js';
import { ReadModelRepository } from '../../db/repositories/read-model.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { CLIENT_ID, CLIENT_SECRET, startHarness, type Harness } from './widget/test-harness.js';

const ACCOUNT = 5151;
const CODE = `ref${ACCOUNT}x1`;
const revokedForReal: AmoAuthorizationCheck = { check: async () => 'revoked' };
const revokeUrl = (accountId: number) =>
  `/amocrm/revoke?account_id=${accountId}&client_uuid=${CLIENT_ID}&signature=${createHmac('sha256', CLIENT_SECRET).update(`${CLIENT_ID}|${accountId}`).digest('hex')}`;

/** After a confirmed uninstall, buyers' personal data is neither served nor kept (issue 12, item 7). */
describeEachDatabase('personal data after an uninstall', (kind) => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function seed(accountId: number) {
    const buyerId = await h.seedBuyer({ accountId, amoCustomerId: 1, name: 'Ирина Смирнова', phone: '+79995550011' });
    await new ReadModelRepository(h.database.db).upsertPurchase(accountId, {
      id: `sale-${accountId}`, buyerMoyskladId: buyerId, number: '00001', moment: '2026-03-12T14:05:00.000+03:00', momentMs: Date.parse('2026-03-12T14:05:00.000+03:00'),
      sumKopecks: 10_000, pointsEarned: 10, pointsSpent: 0, items: [{ name: 'Чай', quantity: 1, priceKopecks: 10_000 }],
    });
    await h.database.db.insertInto('operation_log').values({ account_id: accountId, user_id: 5, kind: 'bonus.accrue', details_json: JSON.stringify({ comment: 'Ирина, день рождения' }), at: Date.now() }).execute();
    await h.database.db.updateTable('accounts').set({ moysklad_login: 'manager@shop.example' }).where('id', '=', accountId).execute();
    expect((await h.call('GET', `/api/widget/customers/1/card`, { claims: { accountId } })).status).toBe(200);
    expect((await fetch(`${h.base}/r/ref${accountId}x1`)).status).toBe(200);
  }

  const rows = async (accountId: number) => {
    const { db } = h.database;
    const count = async (table: 'buyers' | 'purchases' | 'purchase_items') => (await db.selectFrom(table).select('account_id').where('account_id', '=', accountId).execute()).length;
    return { buyers: await count('buyers'), purchases: await count('purchases'), items: await count('purchase_items') };
  };

  it('without a grace period: gone from the card API, the referral page and the database as soon as the revoke is confirmed', async () => {
    h = await startHarness(kind, { amoAuthorization: revokedForReal });
    await seed(ACCOUNT);
    expect((await fetch(`${h.base}${revokeUrl(ACCOUNT)}`)).status).toBe(204);

    // The revoke wiped the МойСклад connection too: the card route answers that before it reads anything.
    const card = await h.call('GET', '/api/widget/customers/1/card', { claims: { accountId: ACCOUNT } });
    expect([card.status, card.json.code]).toEqual([409, 'not_connected']);
    expect(card.text).not.toContain('Ирина');
    const purchases = await h.call('GET', '/api/widget/customers/1/purchases', { claims: { accountId: ACCOUNT } });
    expect(purchases.status).toBe(404);
    expect(purchases.text).not.toContain('Ирина');
    const page = await fetch(`${h.base}/r/${CODE}`);
    expect(page.status).toBe(404);
    expect(await page.text()).not.toContain('Ирина');
    expect(await rows(ACCOUNT)).toEqual({ buyers: 0, purchases: 0, items: 0 });
    const { db } = h.database;
    const log = await db.selectFrom('operation_log').select(['kind', 'details_json']).where('account_id', '=', ACCOUNT).execute();
    expect(log.map((row) => row.kind).sort()).toEqual(['amocrm.revoked', 'personal_data.purged']);
    expect(JSON.stringify(log)).not.toContain('Ирина');
    const account = await db.selectFrom('accounts').selectAll().where('id', '=', ACCOUNT).executeTakeFirstOrThrow();
    expect(account.moysklad_login).toBeNull();
    expect(account.personal_data_purged_at).not.toBeNull();
  });

  it('with a grace period: not served from the revoke on, deleted once the period is over, kept if the account is reinstalled meanwhile', async () => {
    h = await startHarness(kind, { amoAuthorization: revokedForReal, personalDataGraceHours: 24 });
    await seed(ACCOUNT);
    await seed(ACCOUNT + 1);
    for (const accountId of [ACCOUNT, ACCOUNT + 1]) expect((await fetch(`${h.base}${revokeUrl(accountId)}`)).status).toBe(204);

    expect((await h.call('GET', '/api/widget/customers/1/card', { claims: { accountId: ACCOUNT } })).status).toBe(409); // not connected any more
    expect((await h.call('GET', '/api/widget/customers/1/purchases', { claims: { accountId: ACCOUNT } })).status).toBe(404);
    expect((await fetch(`${h.base}/r/${CODE}`)).status).toBe(404);
    expect(await rows(ACCOUNT)).toEqual({ buyers: 1, purchases: 1, items: 1 });
    expect(await h.api.personalData.purgeDue()).toBe(0);

    // A day passes; one of the two accounts was reinstalled in the meantime.
    await h.database.db.updateTable('accounts').set({ revoked_at: Date.now() - 25 * 3600_000 }).where('id', 'in', [ACCOUNT, ACCOUNT + 1]).execute();
    const { AccountsRepository } = await import('../../db/repositories/accounts.js');
    await new AccountsRepository(h.database.db, h.secrets).saveAmoTokens(ACCOUNT + 1, 'demo', { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000 });
    expect(await h.api.personalData.purgeDue()).toBe(1);
    expect(await rows(ACCOUNT)).toEqual({ buyers: 0, purchases: 0, items: 0 });
    expect(await rows(ACCOUNT + 1)).toEqual({ buyers: 1, purchases: 1, items: 1 });
    // The reinstalled account's data is served again (its card waits for МойСклад to be reconnected).
    expect((await h.call('GET', '/api/widget/customers/1/purchases', { claims: { accountId: ACCOUNT + 1 } })).status).toBe(200);
    expect(await h.api.personalData.purgeDue()).toBe(0);
  });
});
