import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AccountSyncRepository } from '../../../proxy/db/repositories/account-sync.js';
import { openPage, screenshot } from '../support/browser.js';
import { SETTINGS_MODAL as MODAL, openSettingsModal } from '../support/host-page.js';
import { captureForReadme, keepForReadme } from './readme-screenshots.js';
import { CARD_WIDGET as CARD, useFlowSandbox } from './sandbox-fixture.js';

// The whole product in a real browser: the built widget.zip inside the amoCRM-like host page, talking to
// the real proxy, which talks to the МойСклад and amoCRM emulators — all booted like `npm start` does.

const run = useFlowSandbox();

const POINTS = `${CARD} [data-testid="points"]`;
const digits = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));

function amoBonusField(amoCustomerId: number): string | null {
  const customer = run.flow.sandbox.amocrm.store.customer('demo', amoCustomerId) as { custom_fields_values?: Array<{ field_code?: string; values: Array<{ value: unknown }> }> | null } | null;
  const field = customer?.custom_fields_values?.find((f) => f.field_code === 'BONUS_POINTS');
  return field ? String(field.values[0]?.value ?? '') : null;
}

async function openCard(page: Page, amoCustomerId: number, query = ''): Promise<void> {
  await page.goto(`${run.flow.sandbox.urls.customerCard(amoCustomerId)}${query}`);
  await page.waitForSelector(POINTS);
}

describe('customer card', () => {
  it('shows the buyer’s card number, points, totals and purchases from МойСклад', async () => {
    const { customer } = run.flow;
    const { page, errors, context: browserContext } = await openPage(run.browser);
    const card = await run.flow.sandbox.widgetApi().card(customer.amoCustomerId);
    await openCard(page, customer.amoCustomerId);

    const widget = page.locator(CARD);
    expect(digits(await page.textContent(POINTS))).toBe(card.points);
    // The fixture picks a buyer with a bonus card (85 % of seed buyers have one).
    expect(card.bonusCard).toMatch(/^\d{13}$/);
    expect(await widget.textContent()).toContain(card.bonusCard);
    expect(await widget.textContent()).toContain('Сумма покупок');
    expect(await page.locator(`${CARD} [data-purchase-id]`).count()).toBe(card.purchases.length);
    expect(card.purchases.length).toBeGreaterThan(0);
    // The widget's numbers are МойСклад's: the balance of the linked counterparty.
    const counterparty = run.flow.sandbox.moysklad.get('counterparty', card.customer.moyskladId) as { bonusPoints: number };
    expect(card.points).toBe(counterparty.bonusPoints);

    expect(errors).toEqual([]);
    await screenshot(page, 'flow-card');
    const shot = await captureForReadme(page, 'card');
    await keepForReadme(shot, 'card');
    await browserContext.close();
  });

  it('accrues points with a comment after confirmation, in МойСклад and in amoCRM', async () => {
    const { customer } = run.flow;
    const { page, errors, context: browserContext } = await openPage(run.browser);
    await openCard(page, customer.amoCustomerId);
    const before = digits(await page.textContent(POINTS));
    const { moyskladId } = (await run.flow.sandbox.widgetApi().card(customer.amoCustomerId)).customer;

    await page.fill('#msk-bonus-amount', '25');
    await page.fill('#msk-bonus-comment', 'Подарок за отзыв');
    await page.click(`${CARD} form.msk-widget__form button[type="submit"]`);
    await page.waitForSelector(`${CARD} .msk-widget__confirm`);
    expect(await page.textContent(`${CARD} .msk-widget__confirm`)).toContain('25');
    await page.click(`${CARD} .msk-widget__confirm .msk-widget__button--primary`);

    await page.waitForFunction((selector) => /\d/.test(document.querySelector(selector)?.textContent ?? ''), `${CARD} .msk-widget__result`);
    expect(digits(await page.textContent(`${CARD} .msk-widget__result`))).toBe(before + 25);
    expect(digits(await page.textContent(POINTS))).toBe(before + 25);
    // МойСклад holds the balance (its bonus transaction changed it synchronously) …
    expect((run.flow.sandbox.moysklad.get('counterparty', moyskladId) as { bonusPoints: number }).bonusPoints).toBe(before + 25);
    const transactions = run.flow.sandbox.moysklad.list('bonustransaction') as Array<{ agent?: { meta: { href: string } }; bonusValue?: number; comment?: string }>;
    expect(transactions.some((t) => t.agent?.meta.href.endsWith(moyskladId) && t.bonusValue === 25)).toBe(true);
    // … and the sync mirrors it into the amoCRM customer's «Бонусные баллы» field.
    await expect.poll(() => amoBonusField(customer.amoCustomerId), { timeout: 15_000, interval: 200 }).toBe(String(before + 25));
    // A trail people can read: МойСклад, the amoCRM note and the card's history name the amoCRM user (the host page
    // acts as the account's first admin), not an id.
    const admin = run.flow.sandbox.amocrm.accountInfo('demo').users[0]!.name;
    const ours = transactions.find((t) => t.agent?.meta.href.endsWith(moyskladId) && t.bonusValue === 25) as { description?: string };
    expect(ours.description).toBe(`Начисление из amoCRM (${admin}, amoCRM): Подарок за отзыв`);
    const history = page.locator(`${CARD} [aria-labelledby="msk-operations-title"] li`).first();
    await expect.poll(() => history.textContent()).toContain(admin);
    expect(await history.textContent()).toContain('Начислено: 25');
    expect(await history.textContent()).toContain('Подарок за отзыв');
    await expect
      .poll(() => run.flow.sandbox.amocrm.store.notes('demo', customer.amoCustomerId).map((note) => String((note as { params?: { text?: string } }).params?.text ?? '')), { timeout: 15_000, interval: 200 })
      .toContainEqual(expect.stringContaining(`Начислено 25 бонусных баллов в МойСклад (${admin})`));

    expect(errors).toEqual([]);
    await screenshot(page, 'flow-card-accrued');
    await browserContext.close();
  });

  it('while the first import runs, a customer it has not reached yet is "being imported", with the progress', async () => {
    const { sandbox } = run.flow;
    // A customer the read model does not know (made by hand in amoCRM, as one the import has not reached would be).
    const token = await sandbox.amocrm.issueUiToken('demo');
    const created = await fetch(`${sandbox.urls.amocrmAccount}/api/v4/customers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([{ name: 'Ещё не загружен' }]),
    });
    const amoCustomerId = ((await created.json()) as { _embedded: { customers: { id: number }[] } })._embedded.customers[0]!.id;
    const state = new AccountSyncRepository(sandbox.proxy.context.database.db);
    const accountId = sandbox.credentials.amocrm.accountId;
    const finished = (await state.get(accountId)).import;
    await state.setImportProgress(accountId, { state: 'running', done: 12, total: 48 });
    const { page, errors, context: browserContext } = await openPage(run.browser);
    try {
      await page.goto(sandbox.urls.customerCard(amoCustomerId));
      const notice = page.locator(`${CARD} [data-testid="import-progress"]`);
      await notice.waitFor();
      expect(await notice.textContent()).toContain('Данные из МойСклад загружаются: 12 из 48');
      expect(await page.locator(CARD).textContent()).not.toContain('не из МойСклад');
      expect(errors.filter((e) => !e.includes('409'))).toEqual([]); // the card's 409 `customer_importing` is expected
    } finally {
      await state.setImportProgress(accountId, finished);
      await browserContext.close();
    }
  });

  it('speaks English with ?lang=en', async () => {
    const { customer } = run.flow;
    const { page, context: browserContext } = await openPage(run.browser);
    await openCard(page, customer.amoCustomerId, '?lang=en');
    const text = await page.locator(CARD).textContent();
    expect(text).toContain('Points');
    expect(text).toContain('Purchase total');
    expect(text).not.toContain('Баллы');
    await screenshot(page, 'flow-card-en');
    await browserContext.close();
  });

  it('follows the dark colour scheme of the host page and its toggle', async () => {
    const { customer } = run.flow;
    const { page, context: browserContext } = await openPage(run.browser);
    await openCard(page, customer.amoCustomerId, '?theme=dark');
    expect(await page.getAttribute('html', 'data-color-scheme')).toBe('dark');
    const widgetStyle = () => page.$eval(CARD, (el) => ({ color: getComputedStyle(el).color, scheme: getComputedStyle(el).colorScheme }));
    const dark = await widgetStyle();
    expect(dark.scheme).toBe('dark');
    expect(luminance(dark.color)).toBeGreaterThan(0.5); // light text on a dark page
    await screenshot(page, 'flow-card-dark');
    await page.click('#host-theme-toggle');
    expect(await page.getAttribute('html', 'data-color-scheme')).toBe('light');
    const light = await widgetStyle();
    expect(luminance(light.color)).toBeLessThan(0.5);
    await browserContext.close();
  });
});

describe('widget settings in Settings → Integrations', () => {
  async function openSettings(page: Page, query = ''): Promise<void> {
    await page.goto(`${run.flow.sandbox.urls.widgetSettings}${query}`);
    await openSettingsModal(page);
    await page.waitForSelector(`${MODAL} .msk-widget #msk-password`);
  }

  it('refuses a wrong МойСклад password in onSave, then saves with the right one', async () => {
    const { page, errors, context: browserContext } = await openPage(run.browser);
    await openSettings(page);
    // Installed and connected by the sandbox: the form says so before anything is typed.
    await expect.poll(() => page.locator(`${MODAL} .msk-widget`).textContent()).toContain('admin@demo');
    await screenshot(page, 'flow-settings');
    const shot = await captureForReadme(page, 'settings');
    const consent = page.locator(`${MODAL} .msk-widget input[type="checkbox"]`);
    if (!(await consent.isChecked())) await consent.check();

    await page.fill('#msk-login', run.flow.sandbox.credentials.moysklad.login);
    await page.fill('#msk-password', 'not-the-password');
    await page.click(`${MODAL} .js-widget-save`);
    // Said once, under the password it concerns, scrolled into the visible part of the modal, the password focused.
    const refusal = page.locator(`${MODAL} [role="alert"]:visible`);
    await refusal.waitFor({ state: 'visible' });
    expect(await refusal.count()).toBe(1);
    expect(await refusal.textContent()).toContain('Неверный логин или пароль МойСклад');
    expect(await page.isHidden(`${MODAL} .amo-modal__error`)).toBe(true);
    expect(await page.locator('#msk-password-error [role="alert"]').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('msk-password');
    const inView = await refusal.evaluate((element) => {
      const body = element.closest('.amo-modal__body')!.getBoundingClientRect();
      const box = element.getBoundingClientRect();
      return box.top >= body.top - 1 && box.bottom <= body.bottom + 1;
    });
    expect(inView).toBe(true);
    expect(await page.isVisible(MODAL)).toBe(true); // a rejected onSave keeps the modal open
    await screenshot(page, 'flow-settings-wrong-password');

    await page.fill('#msk-password', run.flow.sandbox.credentials.moysklad.password);
    await page.click(`${MODAL} .js-widget-save`);
    await page.waitForSelector(MODAL, { state: 'hidden' });
    const log = await page.evaluate(() => JSON.stringify((window as unknown as { amoHost: { log: unknown } }).amoHost.log));
    expect(log).toContain('onSave:rejected');
    expect(log).toContain('widget:installed');
    const status = await run.flow.sandbox.widgetApi().status();
    expect(status).toMatchObject({ connected: true, moysklad: { state: 'connected', login: 'admin@demo' } });
    // The password went to the proxy only, never into the widget settings amoCRM stores.
    expect(JSON.stringify(run.flow.sandbox.amocrm.store.widget('demo', 'moysklad'))).not.toContain(run.flow.sandbox.credentials.moysklad.password);

    expect(errors.filter((e) => !e.includes('422'))).toEqual([]); // the refused save is an expected 422
    await keepForReadme(shot, 'settings');
    await browserContext.close();
  });

  it('speaks English with ?lang=en', async () => {
    const { page, context: browserContext } = await openPage(run.browser);
    await openSettings(page, '?lang=en');
    const text = await page.locator(`${MODAL} .msk-widget`).textContent();
    expect(text).toContain('MoySklad connection');
    expect(text).not.toContain('Подключение к МойСклад');
    await screenshot(page, 'flow-settings-en');
    await browserContext.close();
  });
});

describe('advanced settings page (МойСклад: бонусы)', () => {
  it('shows the finished import and saves the referral bonuses through the proxy', async () => {
    const { page, errors, context: browserContext } = await openPage(run.browser);
    await page.goto(run.flow.sandbox.urls.advancedSettings);
    const work = page.locator('#work-area-moysklad .msk-widget');
    await page.waitForSelector('#work-area-moysklad .msk-widget #msk-referralBonusNew');
    await expect.poll(() => work.textContent()).toContain('Первичный импорт');
    expect(await work.textContent()).toMatch(/завершён: (\d+) из \1/);
    expect(await work.textContent()).toContain('Ошибок нет');
    // What the proxy verified, not a constant: our webhooks in МойСклад, when they were checked.
    await expect.poll(() => page.locator('#work-area-moysklad [data-testid="realtime-mode"]').textContent()).toBe('вебхуки МойСклад: 18 из 18');
    expect(await work.textContent()).toMatch(/Вебхуки проверены\d/);

    await page.fill('#msk-referralBonusNew', '150');
    await page.fill('#msk-referralBonusReferrer', '300');
    await page.selectOption('#msk-reward-at', 'first_purchase');
    await page.click('#work-area-moysklad form button[type="submit"]');
    await expect.poll(() => page.locator('#work-area-moysklad form .msk-widget__result').textContent()).toContain('Сохранено');
    expect(await run.flow.sandbox.widgetApi().settings()).toMatchObject({ referralBonusNew: 150, referralBonusReferrer: 300, referrerRewardAt: 'first_purchase' });

    expect(errors).toEqual([]);
    await screenshot(page, 'flow-advanced-settings');
    const shot = await captureForReadme(page, 'advanced-settings');
    await keepForReadme(shot, 'advanced-settings');
    await browserContext.close();
  });
});

/** Relative luminance (0 = black, 1 = white) of a computed `rgb(r, g, b)` colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
  if (r === undefined || g === undefined || b === undefined) throw new Error(`not an rgb() colour: ${rgb}`);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
