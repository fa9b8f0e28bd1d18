import { afterEach, beforeEach, expect, it } from 'vitest';
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

  async function submit(form: { csrf: string; cookie: string }, fields: { name: string; phone: string }, cookie = form.cookie) {
    const response = await fetch(`${h.base}/r/${CODE}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
      body: new URLSearchParams({ csrf: form.csrf, ...fields }).toString(),
    });
    return { status: response.status, html: await response.text() };
  }

  const points = (id: string) => (h.emulator.get('counterparty', id) as { bonusPoints?: number }).bonusPoints ?? 0;

  it('shows a ru/en form with a same-site CSRF cookie; unknown codes are 404', async () => {
    const ru = await openForm('ru');
    expect(ru.page.status).toBe(200);
    expect(ru.html).toContain('150 бонусных баллов');
    expect(ru.page.headers.get('set-cookie')).toMatch(/ref_csrf=.+; Path=\/r; .*HttpOnly.*SameSite=Strict/i);
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

  it('refuses a post without the cookie (cross-site) or with a forged token, and rate-limits per IP', async () => {
    const form = await openForm();
    expect((await submit(form, { name: 'A', phone: '+79990000123' }, '')).status).toBe(403);
    expect((await submit({ ...form, csrf: 'x'.repeat(32) }, { name: 'A', phone: '+79990000123' })).status).toBe(403);
    expect(h.emulator.list('bonustransaction')).toHaveLength(0);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await submit(form, { name: 'B', phone: 'not a phone' })).status);
    expect(statuses.at(-1)).toBe(429);
  });
});
