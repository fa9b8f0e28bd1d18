import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot } from '../support/browser.js';
import { CARD_WIDGET as CARD, useFlowSandbox } from './sandbox-fixture.js';

// A card that is never stale, in the browser: the card stays open while a cashier sells at the «Касса МойСклад»
// till (the emulator's till, which fires МойСклад's webhooks), and the open card shows the sale without a reload,
// asking the proxy conditionally (304 while nothing changed).

const run = useFlowSandbox();
const POINTS = `${CARD} [data-testid="points"]`;
const digits = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));
/** The card poll interval of widget/lib/use-live-card.ts (CARD_POLL_MS). */
const POLL_MS = 30_000;

/** Card answers the page received, by status, from now on. */
function cardAnswers(page: Page): number[] {
  const statuses: number[] = [];
  page.on('response', (response: Response) => {
    if (/\/api\/widget\/customers\/\d+\/card$/.test(new URL(response.url()).pathname)) statuses.push(response.status());
  });
  return statuses;
}

/** A SPENDING bonus transaction made in МойСклад directly (its JSON API, as the МойСклад user of the sandbox). */
async function spendInMoySklad(counterpartyId: string, points: number): Promise<void> {
  const { moysklad } = run.flow.sandbox;
  const { login, password } = run.flow.sandbox.credentials.moysklad;
  const program = moysklad.list('bonusprogram').find((p) => (p as { active?: boolean }).active) as { meta: unknown };
  const counterparty = moysklad.get('counterparty', counterpartyId) as { meta: unknown };
  const response = await fetch(`${run.flow.sandbox.urls.moyskladApi}/entity/bonustransaction`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
    body: JSON.stringify({ agent: { meta: counterparty.meta }, bonusProgram: { meta: program.meta }, transactionType: 'SPENDING', bonusValue: points, applicable: true }),
  });
  expect(response.status).toBe(200);
}

describe('an open customer card', () => {
  it('shows a sale made at the till while it is open, without a reload, polling with 304s meanwhile', async () => {
    const { amoCustomerId } = run.flow.customer;
    const api = run.flow.sandbox.widgetApi();
    const { page, errors, context } = await openPage(run.browser);
    // The page's timers run on a clock the test can move: no 30 s wait for the next poll.
    await page.clock.install();
    const statuses = cardAnswers(page);
    await page.goto(run.flow.sandbox.urls.customerCard(amoCustomerId));
    await page.waitForSelector(POINTS);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const before = await api.card(amoCustomerId);
    expect(statuses).toEqual([200]); // opening the card is one request

    // Nothing changed: the next poll is answered 304 and the card stays as it is.
    await page.clock.fastForward(POLL_MS);
    await expect.poll(() => statuses.length).toBe(2);
    expect(statuses[1]).toBe(304);

    // A sale at the till with points spent, for this buyer, while the card is open.
    const product = run.flow.sandbox.moysklad.list('product').find((p) => (p as { archived?: boolean }).archived !== true) as { id: string };
    const sale = run.flow.sandbox.moysklad.sellAtTill({ buyer: { id: before.customer.moyskladId }, positions: [{ productId: product.id, quantity: 1 }], payWithPoints: 1 });
    const number = String(sale.retaildemand.name);
    await expect.poll(async () => (await api.card(amoCustomerId)).purchaseCount, { timeout: 15_000, interval: 250 }).toBe(before.purchaseCount + 1);
    const after = await api.card(amoCustomerId);
    expect(await page.locator(`${CARD} [data-purchase-id]`).first().textContent()).not.toContain(number);

    await page.clock.fastForward(POLL_MS);
    await expect.poll(() => page.locator(`${CARD} [data-purchase-id]`).first().textContent(), { timeout: 10_000 }).toContain(number);
    expect(digits(await page.textContent(POINTS))).toBe(after.points);
    expect(statuses.at(-1)).toBe(200);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await screenshot(page, 'flow-live-card-after-till-sale');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('a redeem refused because the points were spent in МойСклад meanwhile shows the real balance on the card', async () => {
    const { amoCustomerId } = run.flow.customer;
    const api = run.flow.sandbox.widgetApi();
    const { page, context } = await openPage(run.browser);
    await page.clock.install(); // no poll in between: the card on screen stays stale until the refusal
    await page.goto(run.flow.sandbox.urls.customerCard(amoCustomerId));
    await page.waitForSelector(POINTS);
    const shown = digits(await page.textContent(POINTS));
    expect(shown).toBeGreaterThan(1);
    const { moyskladId } = (await api.card(amoCustomerId)).customer;
    // МойСклад's balance drops behind the card's back: someone spends points in МойСклад itself.
    await spendInMoySklad(moyskladId, shown - 1);
    const live = (run.flow.sandbox.moysklad.get('counterparty', moyskladId) as { bonusPoints: number }).bonusPoints;
    expect(live).toBeLessThan(shown);

    // More than МойСклад still has, within what one operation may move (the admin's cap).
    const amount = Math.min(shown, ((await api.card(amoCustomerId)) as unknown as { bounds: { maxAmount: number } }).bounds.maxAmount);
    expect(amount).toBeGreaterThan(live);
    await page.check(`${CARD} input[value="redeem"]`);
    await page.fill('#msk-bonus-amount', String(amount));
    await page.click(`${CARD} form.msk-widget__form button[type="submit"]`);
    await page.click(`${CARD} .msk-widget__confirm .msk-widget__button--primary`);
    const reason = page.locator(`${CARD} #msk-bonus-validation`);
    await reason.waitFor();
    expect(digits(await reason.textContent())).toBe(live);
    await expect.poll(async () => digits(await page.textContent(POINTS))).toBe(live);
    expect(await page.locator(`${CARD} .msk-widget__support`).count()).toBe(0);
    await screenshot(page, 'flow-live-card-refused-redeem');
    await context.close();
  });
});
