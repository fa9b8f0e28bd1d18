import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../../../../sandbox/amocrm/emulator.js';
import { CLIENT_ID, CLIENT_SECRET, SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness, type TokenClaims } from './test-harness.js';

// A trail people can read: a bonus operation made in the widget names the amoCRM user (looked up with the users
// API of the sandbox amoCRM) in МойСклад and in the amoCRM note, and the card lists it with its author at once.
const REDIRECT_URI = 'http://127.0.0.1:1/amocrm/install';
const ACCOUNT = 31000001;

describe('bonus operations name their author and show in the card', () => {
  let amo: AmoCrmEmulator;
  let h: Harness;
  let counterpartyId: string;
  let claims: (userId: number, isAdmin?: boolean) => TokenClaims;

  beforeAll(async () => {
    amo = new AmoCrmEmulator({ integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }, timeScale: 0.1 });
    const { origin } = await amo.listen(0);
    h = await startHarness('sqlite', { amoBaseTemplate: `${origin}/a/{subdomain}`, amoRedirectUri: REDIRECT_URI });
    claims = (userId, isAdmin = false) => ({ accountId: ACCOUNT, userId, isAdmin, iss: amo.accountBaseUrl('demo') });
    // Installed like amoCRM does it (the proxy exchanges the code), then МойСклад connected by the admin.
    const { code } = await amo.installWidget('demo', { userId: 5000001 });
    const referer = `${new URL(amo.accountBaseUrl('demo')).host}/a/demo`;
    expect((await fetch(`${h.base}/amocrm/install?${new URLSearchParams({ code, referer, from_widget: '1' })}`)).status).toBe(200);
    await h.api.installation.settle();
    h.emulator.ui.createBonusProgram({ name: 'Бонусы', active: true, allAgents: true, earnRateRoublesToPoint: 1, spendRatePointsToRouble: 1, maxPaidRatePercents: 50 });
    counterpartyId = await h.seedBuyer({ accountId: ACCOUNT, amoCustomerId: 77, points: 500 });
    const connected = await h.call('POST', '/api/widget/connection', { claims: claims(5000001, true), body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    expect(connected.status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await amo?.close();
  });

  const accrue = (userId: number, amount: number, comment?: string) =>
    h.call('POST', '/api/widget/customers/77/bonus', { claims: claims(userId), headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'accrue', amount, ...(comment ? { comment } : {}) } });

  it('writes the user’s name into the МойСклад description and the amoCRM note, and lists the operation', async () => {
    const answer = await accrue(5000002, 25, 'за отзыв');
    expect(answer.status).toBe(200);
    const manager = amo.accountInfo('demo').users.find((user) => user.id === 5000002)!.name;

    const transaction = h.emulator.list('bonustransaction').at(-1) as { id: string; description?: string };
    expect(transaction.description).toBe(`Начисление из amoCRM (${manager}, amoCRM): за отзыв`);
    expect(transaction.description).not.toContain('5000002');
    const note = await h.database.db.selectFrom('jobs').select('payload_json').where('kind', '=', 'amocrm.customer_note').executeTakeFirstOrThrow();
    expect(JSON.parse(note.payload_json).text).toBe(`Начислено 25 бонусных баллов в МойСклад (${manager}). Баланс: 25. Комментарий: за отзыв`);

    const card = await h.call('GET', '/api/widget/customers/77/card', { claims: claims(5000002) });
    expect(card.json.operations).toEqual([
      {
        id: transaction.id,
        moment: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+03:00$/),
        kind: 'earned',
        points: 25,
        status: 'completed',
        author: { amoUserId: 5000002, name: manager },
        comment: 'за отзыв',
        purchaseNumber: null,
      },
    ]);
    // One users lookup per user: the second operation of the same manager asks amoCRM nothing.
    const usersCalls = () => amo.stats('demo');
    const before = JSON.stringify(usersCalls());
    expect((await accrue(5000002, 5)).status).toBe(200);
    expect(JSON.stringify(usersCalls())).toBe(before);
  });

  it('a refused redeem answers the live balance and puts it on the card', async () => {
    // The read model still says 500 (stale); МойСклад holds the truth.
    await h.database.db.updateTable('buyers').set({ points: 500 }).where('moysklad_id', '=', counterpartyId).execute();
    const live = (h.emulator.get('counterparty', counterpartyId) as { bonusPoints: number }).bonusPoints;
    const refused = await h.call('POST', '/api/widget/customers/77/bonus', { claims: claims(5000002), headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'redeem', amount: 400 } });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ code: 'bonus_insufficient_points', balance: live });
    const card = await h.call('GET', '/api/widget/customers/77/card', { claims: claims(5000002) });
    expect(card.json.points).toBe(live);
  });

  it('falls back to the user id when amoCRM cannot name the user', async () => {
    const answer = await accrue(4242, 3);
    expect(answer.status).toBe(200);
    const transaction = h.emulator.list('bonustransaction').at(-1) as { description?: string };
    expect(transaction.description).toBe('Начисление из amoCRM (пользователь amoCRM 4242)');
  });
});
