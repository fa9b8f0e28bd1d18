import { afterEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { InMemoryPhoneConfirmation } from '../../test-support/phone-confirmation.js';
import { SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness } from './widget/test-harness.js';

const ACCOUNT = 3131;
const admin = { accountId: ACCOUNT, isAdmin: true };
const CODE = `ref${ACCOUNT}x1`;
const baseSettings = { referralBonusNew: 100, referralBonusReferrer: 200, referrerRewardAt: 'signup', priceTypeId: null };

/** Referral bonus farming (issue 12, item 1) and what the public page tells people (issue 13), over HTTP. */
describeEachDatabase('referral page: farming and honesty', (kind) => {
  let h: Harness;
  let referrerId: string;
  let confirmation: InMemoryPhoneConfirmation;

  async function start(settings: Record<string, unknown> = {}, options: { withSender?: boolean } = {}) {
    confirmation = new InMemoryPhoneConfirmation();
    h = await startHarness(kind, { referralPostLimit: 40, ...(options.withSender ? { phoneConfirmation: confirmation } : {}) });
    h.emulator.ui.createBonusProgram({ name: 'Бонусы', active: true, allAgents: true, earnRateRoublesToPoint: 1, spendRatePointsToRouble: 1, maxPaidRatePercents: 50 });
    referrerId = await h.seedBuyer({ accountId: ACCOUNT, amoCustomerId: 1, name: 'Иван Петров', phone: '+7 (999) 111-22-33' });
    expect((await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } })).status).toBe(200);
    expect((await h.call('PUT', '/api/widget/settings', { claims: admin, body: { ...baseSettings, ...settings } })).status).toBe(200);
  }
  afterEach(async () => h?.close());

  async function openForm() {
    const page = await fetch(`${h.base}/r/${CODE}?lang=ru`);
    const html = await page.text();
    return { html, csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '', cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
  }

  async function submit(fields: Record<string, string>) {
    const form = await openForm();
    const response = await fetch(`${h.base}/r/${CODE}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: form.cookie },
      body: new URLSearchParams({ csrf: form.csrf, consent: 'yes', name: 'Гость', ...fields }).toString(),
    });
    return { status: response.status, html: await response.text() };
  }

  const points = (id: string) => (h.emulator.get('counterparty', id) as { bonusPoints?: number }).bonusPoints ?? 0;
  const transactions = () => h.emulator.list('bonustransaction').length;

  it('the attack: junk numbers and other spellings of one number earn the referrer nothing more', async () => {
    await start();
    for (const junk of ['00000000000', 'tel:1-2-3-4-5-6-7-8-9', '+7 495 123-45-67', '8 800 555-35-35']) {
      const refused = await submit({ phone: junk });
      expect(refused.status, junk).toBe(422);
      expect(refused.html).toContain('мобильного телефона');
    }
    expect(transactions()).toBe(0);

    const first = await submit({ name: 'Ольга', phone: '+7 999 100-00-01' });
    expect(first.status).toBe(200);
    expect(first.html).toContain('Вам начислено 100 баллов');
    for (const spelling of ['007 999 100-00-01', '+7 999 100-00-01 доб. 1', '8 (999) 100-00-01', '9991000001']) {
      const repeat = await submit({ name: 'Ольга', phone: spelling });
      expect(repeat.status, spelling).toBe(200);
      // A repeat visitor is told the truth: nothing new was added.
      expect(repeat.html, spelling).not.toContain('начислено');
      expect(repeat.html).toContain('уже зарегистрирован');
    }
    expect(points(referrerId)).toBe(200);
    expect(transactions()).toBe(2);
    const created = (h.emulator.list('counterparty') as { name: string; phone?: string }[]).filter((c) => c.name === 'Ольга');
    expect(created.map((c) => c.phone)).toEqual(['+79991000001']);
  });

  it('a referrer’s link brings at most the daily cap of sign-ups (admin setting)', async () => {
    await start({ referralMaxPerReferrerPerDay: 2 });
    expect((await submit({ name: 'А', phone: '+7 999 200-00-01' })).status).toBe(200);
    expect((await submit({ name: 'Б', phone: '+7 999 200-00-02' })).status).toBe(200);
    const third = await submit({ name: 'В', phone: '+7 999 200-00-03' });
    expect(third.status).toBe(429);
    expect(third.html).toContain('Попробуйте завтра');
    expect(points(referrerId)).toBe(400);
    expect(transactions()).toBe(4);
    // A repeat of an earlier sign-up is still answered (and does not count).
    expect((await submit({ name: 'А', phone: '+79992000001' })).html).toContain('уже зарегистрирован');
  });

  it('optional confirmation: a code sent to the phone must come back before anything is created', async () => {
    await start({ referralPhoneConfirmation: true }, { withSender: true });
    const asked = await submit({ name: 'Мария', phone: '+7 999 300-00-01' });
    expect(asked.status).toBe(200);
    expect(asked.html).toContain('name="confirmation"');
    expect(asked.html).toContain('+7999•••••01');
    expect((h.emulator.list('counterparty') as { name: string }[]).map((c) => c.name)).not.toContain('Мария');

    const sent = confirmation.sentTo(ACCOUNT, '+79993000001');
    expect(sent).toMatch(/^\d{6}$/);
    const wrong = await submit({ name: 'Мария', phone: '+7 999 300-00-01', confirmation: sent === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('name="confirmation"');
    expect(transactions()).toBe(0);

    const right = await submit({ name: 'Мария', phone: '+7 999 300-00-01', confirmation: confirmation.sentTo(ACCOUNT, '+79993000001')! });
    expect(right.status).toBe(200);
    expect(right.html).toContain('Вам начислено 100 баллов');
    expect(transactions()).toBe(2);
  });

  it('confirmation switched on without a configured sender refuses sign-ups instead of skipping the check', async () => {
    await start({ referralPhoneConfirmation: true });
    const refused = await submit({ name: 'Пётр', phone: '+7 999 400-00-01', confirmation: '123456' });
    expect(refused.status).toBe(503);
    expect(transactions()).toBe(0);
  });

  it('the page names the shop and the friend (first name only) and links the privacy policy', async () => {
    await start({ shopName: 'Чайная <лавка>', privacyPolicyUrl: 'https://shop.example/privacy?x=1&y=2' });
    const { html } = await openForm();
    expect(html).toContain('Иван приглашает вас в программу лояльности магазина «Чайная &lt;лавка&gt;»');
    expect(html).toContain('<title>Приглашение от Иван</title>');
    expect(html).not.toContain('Петров');
    expect(html).toContain('<a href="https://shop.example/privacy?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">Политика конфиденциальности</a>');
    const en = await (await fetch(`${h.base}/r/${CODE}?lang=en`)).text();
    expect(en).toContain('Иван invites you to the loyalty program of the shop “Чайная &lt;лавка&gt;”');
    expect(en).toContain('>Privacy policy</a>');
  });

  it('a referral leaves a note on both amoCRM customers: who referred whom and what each got', async () => {
    await start();
    expect((await submit({ name: 'Ольга Смирнова', phone: '+7 999 500-00-01' })).status).toBe(200);
    const newId = (h.emulator.list('counterparty') as { id: string; name: string }[]).find((c) => c.name === 'Ольга Смирнова')!.id;
    const notes = async () =>
      (await h.database.db.selectFrom('jobs').select('payload_json').where('kind', '=', 'amocrm.customer_note').execute()).map((job) => JSON.parse(job.payload_json) as { amoCustomerId: number; text: string });
    // The referrer's customer exists: its note is queued at once.
    expect(await notes()).toEqual([
      { amoCustomerId: 1, text: 'Реферальная программа: по приглашению этого покупателя зарегистрирован новый покупатель Ольга Смирнова; новому покупателю начислено 100 баллов, пригласившему начислено 200 баллов.' },
    ]);
    // The new buyer's customer is made by the sync later: its note waits for it.
    expect(await h.api.referral.deliverHeldNotes()).toBe(0);
    await h.database.db.updateTable('buyers').set({ amo_customer_id: 777 }).where('account_id', '=', ACCOUNT).where('moysklad_id', '=', newId).execute();
    expect(await h.api.referral.deliverHeldNotes()).toBe(1);
    expect(await h.api.referral.deliverHeldNotes()).toBe(0);
    expect((await notes()).find((note) => note.amoCustomerId === 777)).toEqual({
      amoCustomerId: 777,
      text: 'Реферальная программа: покупатель зарегистрирован по приглашению покупателя Иван Петров; новому покупателю начислено 100 баллов, пригласившему начислено 200 баллов.',
    });
  });
});
