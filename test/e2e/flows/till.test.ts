import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot } from '../support/browser.js';
import { CARD_WIDGET as CARD, useFlowSandbox } from './sandbox-fixture.js';

// A sale and its return made by a cashier on the «Касса МойСклад» page reach the amoCRM customer card:
// МойСклад webhook → proxy → amoCRM transaction and note → the widget's purchase history. All in the browser.

const run = useFlowSandbox();

/** Number of the newest purchase in the widget's history, after a fresh load of the card page. */
async function newestPurchaseHead(page: Page): Promise<string> {
  await page.goto(run.flow.sandbox.urls.customerCard(run.flow.customer.amoCustomerId));
  await page.waitForSelector(`${CARD} [data-testid="points"]`);
  return (await page.locator(`${CARD} [data-purchase-id]`).first().textContent()) ?? '';
}

describe('sale and return at the till', () => {
  it('shows up on the customer card, then is marked as returned', async () => {
    const { page: till, errors, context } = await openPage(run.browser);
    const card = await context.newPage();
    const { name } = run.flow.customer;
    const before = await run.flow.sandbox.widgetApi().card(run.flow.customer.amoCustomerId);

    await till.goto(run.flow.sandbox.urls.pos);
    await till.fill('#buyer-query', name);
    await till.locator('#buyer-results li', { hasText: name }).first().click();
    await till.waitForSelector('#buyer-chosen:not(.hidden)');
    await till.locator('#product-results li:not(.muted)').first().click();
    await till.click('#pay');
    await till.waitForSelector('#receipt:not(.hidden)');
    const receipt = (await till.textContent('#receipt')) ?? '';
    await screenshot(till, 'flow-till-receipt');

    // The sale reaches the widget through the sync (webhook → job → read model), without any reload trick.
    await expect.poll(async () => (await run.flow.sandbox.widgetApi().card(run.flow.customer.amoCustomerId)).purchaseCount, { timeout: 15_000, interval: 250 }).toBe(before.purchaseCount + 1);
    const after = await run.flow.sandbox.widgetApi().card(run.flow.customer.amoCustomerId);
    const sale = after.purchases[0]!;
    expect(receipt).toContain(sale.number);
    const head = await newestPurchaseHead(card);
    expect(head).toContain(sale.number);
    expect(head).not.toContain('Возврат');
    // amoCRM got the purchase as a transaction on the customer, and the feed shows the note.
    expect(run.flow.sandbox.amocrm.store.transactions('demo', run.flow.customer.amoCustomerId).some((t) => String((t as { comment?: unknown }).comment ?? '').includes(sale.number))).toBe(true);
    const feed = (await card.locator('body').textContent()) ?? '';
    expect(feed).toContain(`Розничная продажа №${sale.number}`);
    // The widget tells the note's Moscow time, labelled, although the browser runs in another zone.
    const noteTime = new RegExp(`№${sale.number} от \\d{2}\\.\\d{2}\\.\\d{4} (\\d{2}:\\d{2})`).exec(feed)?.[1];
    expect(noteTime).toBeDefined();
    expect(head).toContain(`${noteTime} МСК`);

    // The cashier confirms the return in the till's confirm() dialog.
    till.once('dialog', (dialog) => void dialog.accept());
    await till.locator('#sales li', { hasText: sale.number }).getByRole('button', { name: 'Возврат' }).click();
    await expect.poll(async () => (await run.flow.sandbox.widgetApi().card(run.flow.customer.amoCustomerId)).purchases.find((p) => p.id === sale.id)?.returned, { timeout: 15_000, interval: 250 }).toBe(true);
    expect(await newestPurchaseHead(card)).toContain('Возврат');
    await screenshot(card, 'flow-card-after-return');

    expect(errors).toEqual([]);
    await context.close();
  });
});
