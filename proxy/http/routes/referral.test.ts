import { afterEach, beforeEach, expect, it } from 'vitest';
import { ReadModelRepository, referralCodeFor } from '../../db/repositories/read-model.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness } from './widget/test-harness.js';

const ACCOUNT = 3030;
const admin = { accountId: ACCOUNT, isAdmin: true };
const CODE = `ref${ACCOUNT}x1`;

describeEachDatabase('public referral page /r/:code', (kind) => {
  let h: Harness;
  let referrerId: string;
  beforeEach(async () => {
    h = await startHarness(kind, { referralPostLimit: 6 });
    h.emulator.ui.createBonusProgram({ name: 'Бонусы', active: true, allAgents: true, earnRateRoublesToPoint: 1, spendRatePointsToRouble: 1, maxPaidRatePercents: 50 });
    referrerId = await h.seedBuyer({ accountId: ACCOUNT, amoCustomerId: 1, phone: '+7 (999) 111-22-33' });
    expect((await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } })).status).toBe(200);
    expect((await h.call('PUT', '/api/widget/settings', { claims: admin, body: { referralBonusNew: 150, referralBonusReferrer: 300, referrerRewardAt: 'signup', priceTypeId: null } })).status).toBe(200);
  });
  afterEach(async () => h?.close());

  async function openForm(lang = 'ru') {
    const page = await fetch(`${h.base}/r/${CODE}?lang=${lang}`);
    const html = await page.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { page, html, csrf, cookie };
  }

  async function submit(form: { csrf: string; cookie: string }, fields: { name?: string; phone: string; consent?: string }, cookie = form.cookie) {
    const response = await fetch(`${h.base}/r/${CODE}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
      body: new URLSearchParams({ csrf: form.csrf, consent: 'yes', ...fields }).toString(),
    });
    return { status: response.status, html: await response.text() };
  }

  const points = (id: string) => (h.emulator.get('counterparty', id) as { bonusPoints?: number }).bonusPoints ?? 0;

  it('shows a ru/en form with a same-site CSRF cookie; unknown codes are 404', async () => {
    const ru = await openForm('ru');
    expect(ru.page.status).toBe(200);
    expect(ru.html).toContain('150 бонусных баллов');
    expect(ru.page.headers.get('set-cookie')).toMatch(/ref_csrf=.+; Path=\/r; .*HttpOnly.*SameSite=Strict/i);
    expect(ru.html).toMatch(/<input type="checkbox" name="consent" value="yes" required>Я согласен/);
    expect((await openForm('en')).html).toContain('get 150 bonus points');
    expect((await fetch(`${h.base}/r/nosuchcode`)).status).toBe(404);
  });

  it('a sign-up creates the МойСклад individual and rewards both sides once; repeats and self-referral earn nothing', async () => {
    const form = await openForm();
    const done = await submit(form, { name: 'Ольга <b>', phone: '8 (999) 555-44-33' });
    expect(done.status).toBe(200);
    expect(done.html).toContain('150');
    const created = (h.emulator.list('counterparty') as { id: string; phone?: string; name: string }[]).filter((c) => c.name === 'Ольга <b>');
    expect(created).toHaveLength(1);
    expect(points(created[0]!.id)).toBe(150);
    expect(points(referrerId)).toBe(300);

    // The same form again (double click): same answer, nothing new.
    expect((await submit(form, { name: 'Ольга <b>', phone: '+7 999 555 44 33' })).status).toBe(200);
    expect(h.emulator.list('bonustransaction')).toHaveLength(2);

    // The referrer's own phone.
    const self = await submit(form, { name: 'Я', phone: '+79991112233' });
    expect(self.status).toBe(422);
    expect(self.html).toContain('самого себя');
    // A phone МойСклад already knows.
    h.emulator.ui.createCounterparty({ name: 'Старый', companyType: 'individual', phone: '+7 999 777-00-00' });
    expect((await submit(form, { name: 'Старый', phone: '89997770000' })).status).toBe(409);
    expect(h.emulator.list('bonustransaction')).toHaveLength(2);
    expect(points(referrerId)).toBe(300);
  });

  it('with first_purchase the referrer is paid once, by the sweep, after the referred buyer’s first purchase', async () => {
    const settings = { referralBonusNew: 150, referralBonusReferrer: 300, referrerRewardAt: 'first_purchase', priceTypeId: null };
    expect((await h.call('PUT', '/api/widget/settings', { claims: admin, body: settings })).status).toBe(200);
    expect((await submit(await openForm(), { name: 'Пётр', phone: '+7 999 444-55-66' })).status).toBe(200);
    const newId = (h.emulator.list('counterparty') as { id: string; name: string }[]).find((c) => c.name === 'Пётр')!.id;
    expect(points(newId)).toBe(150);
    expect(points(referrerId)).toBe(0);
    // Our МойСклад writes send us no webhook, so the sync is told directly (new buyer, its points).
    const told = (await h.database.db.selectFrom('jobs').select('payload_json').where('kind', '=', 'sync.entity').execute()).map((job) => JSON.parse(job.payload_json));
    expect(told).toContainEqual({ accountId: ACCOUNT, entityType: 'counterparty', id: newId, action: 'CREATE' });
    expect(told.filter((job) => job.entityType === 'bonustransaction')).toHaveLength(1);
    // The referred buyer is in the read model with its referrer and its own stable code.
    const row = await h.database.db.selectFrom('buyers').selectAll().where('account_id', '=', ACCOUNT).where('moysklad_id', '=', newId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ referrer_moysklad_id: referrerId, referral_code: referralCodeFor(ACCOUNT, newId) });
    expect(await h.api.referral.rewardReferrersAfterFirstPurchase()).toBe(0); // no purchase yet

    // The sync imports the buyer (keeping the referrer) and its first sale.
    const writer = new ReadModelRepository(h.database.db);
    await writer.upsertBuyer(ACCOUNT, { moyskladId: newId, name: 'Пётр', firstName: null, lastName: null, phone: '+79994445566', email: null, bonusCard: null, points: 150 }, 7001);
    await writer.upsertPurchase(ACCOUNT, { id: 'sale-1', buyerMoyskladId: newId, number: '00001', moment: '2026-03-12T14:05:00.000+03:00', momentMs: Date.parse('2026-03-12T14:05:00.000+03:00'), sumKopecks: 10_000, pointsEarned: 0, pointsSpent: 0, items: [] });
    // Two processes sweeping at once pay once (the later one may find the reward already claimed, or wait for it).
    const settled = await Promise.all([h.api.referral.rewardReferrersAfterFirstPurchase(), h.api.referral.rewardReferrersAfterFirstPurchase()]);
    expect(settled).toContain(1);
    expect(points(referrerId)).toBe(300);
    expect(h.emulator.list('bonustransaction')).toHaveLength(2);
    expect(await h.api.referral.rewardReferrersAfterFirstPurchase()).toBe(0);
    await writer.upsertPurchase(ACCOUNT, { id: 'sale-2', buyerMoyskladId: newId, number: '00002', moment: '2026-03-13T14:05:00.000+03:00', momentMs: Date.parse('2026-03-13T14:05:00.000+03:00'), sumKopecks: 5_000, pointsEarned: 0, pointsSpent: 0, items: [] });
    expect(await h.api.referral.rewardReferrersAfterFirstPurchase()).toBe(0);
    expect(points(referrerId)).toBe(300);
    const log = await h.database.db.selectFrom('operation_log').select('kind').where('kind', '=', 'referral.referrer_rewarded').execute();
    expect(log).toHaveLength(1);
    // Both amoCRM customers are told, once: the referrer got its reward for this buyer's first purchase.
    const notes = (await h.database.db.selectFrom('jobs').select('payload_json').where('kind', '=', 'amocrm.customer_note').execute()).map((job) => JSON.parse(job.payload_json) as { amoCustomerId: number; text: string });
    expect(notes.filter((note) => note.text.includes('за первую покупку'))).toEqual([
      { amoCustomerId: 1, text: 'Реферальная программа: начислено 300 баллов за первую покупку приглашённого покупателя Пётр.' },
      { amoCustomerId: 7001, text: 'Реферальная программа: за первую покупку этого покупателя пригласившему (Иван Петров) начислено 300 баллов.' },
    ]);
    expect(notes.find((note) => note.amoCustomerId === 1 && note.text.includes('зарегистрирован'))?.text).toContain('будет начислено 300 баллов после первой покупки');
  });

  it('no consent to the processing of personal data, no sign-up; an invalid name gets its own message', async () => {
    const form = await openForm();
    const refused = await submit(form, { name: 'Анна', phone: '+7 999 222-33-44', consent: '' });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('согласие на обработку персональных данных');
    const noName = await submit(form, { name: ' ', phone: '+7 999 222-33-44' });
    expect(noName.status).toBe(400);
    expect(noName.html).toContain('Укажите имя');
    expect((h.emulator.list('counterparty') as { name: string }[]).map((c) => c.name)).not.toContain('Анна');
    expect(h.emulator.list('bonustransaction')).toHaveLength(0);

    expect((await submit(form, { name: 'Анна', phone: '+7 999 222-33-44' })).status).toBe(200);
    const logged = await h.database.db.selectFrom('operation_log').select('details_json').where('kind', '=', 'referral.signup').execute();
    expect(logged.map((row) => JSON.parse(row.details_json).personalDataConsent)).toEqual([true]);
  });

  it('a widget Idempotency-Key cannot occupy a phone’s referral slot', async () => {
    await h.seedBuyer({ accountId: ACCOUNT, amoCustomerId: 2, phone: '+79990000002' });
    const bonus = await h.call('POST', '/api/widget/customers/2/bonus', { claims: { ...admin, userId: 5 }, headers: { 'Idempotency-Key': 'referral:79993332211' }, body: { operation: 'accrue', amount: 10 } });
    expect(bonus.status).toBe(200);
    expect((await submit(await openForm(), { name: 'Нина', phone: '+7 999 333-22-11' })).status).toBe(200);
  });

  it('refuses a post without the cookie (cross-site) or with a forged token, and rate-limits per IP', async () => {
    const form = await openForm();
    expect((await submit(form, { name: 'A'.repeat(10_000), phone: '+79990000123' })).status).toBe(413);
    expect((await submit(form, { name: 'A', phone: '+79990000123' }, '')).status).toBe(403);
    expect((await submit({ ...form, csrf: 'x'.repeat(32) }, { name: 'A', phone: '+79990000123' })).status).toBe(403);
    expect(h.emulator.list('bonustransaction')).toHaveLength(0);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await submit(form, { name: 'B', phone: 'not a phone' })).status);
    expect(statuses.at(-1)).toBe(429);
  });
});
