import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { openSettingsModal } from './support/host-page.js';
import { ABSENT_PROXY_ORIGIN, requireWidgetZip, startE2eSandbox, type E2eSandbox } from './support/sandbox.js';

// The built dist/widget.zip inside the amoCRM-like host page. No proxy runs here, so the widget
// shows its error state; what is checked is how it mounts and unmounts in amoCRM's lifecycle.

let browser: Browser;
let sandbox: E2eSandbox;

beforeAll(async () => {
  const widgetZipPath = requireWidgetZip(); // throws "… run npm run build first" when absent
  sandbox = await startE2eSandbox({
    widgetZipPath,
    installedWith: { config: '{"consent":1}' },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

const CARD_ROOT = '.card-widgets__elements .msk-widget';
/** The widget has finished its first request (the proxy is absent: an error or a notice). */
const CARD_SETTLED = `${CARD_ROOT} :is(.msk-widget__error, .msk-widget__notice)`;

/** Failures we expect because no proxy listens; anything else in the console is a bug. */
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !(e.includes('ERR_CONNECTION_REFUSED') || e.includes(ABSENT_PROXY_ORIGIN)));
}

/** Native listeners on document and window (CDP), plus handlers jQuery keeps on document. */
async function listenerCounts(context: BrowserContext, page: Page): Promise<{ native: number; jquery: number }> {
  const cdp = await context.newCDPSession(page);
  let native = 0;
  for (const expression of ['document', 'window']) {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! });
    native += listeners.length;
  }
  await cdp.detach();
  const jquery = await page.evaluate(() => {
    type JQueryStatic = { _data(el: unknown, key: string): Record<string, unknown[]> | undefined };
    const requirejs = (window as unknown as { requirejs: ((id: string) => JQueryStatic) & { defined(id: string): boolean } }).requirejs;
    if (!requirejs.defined('jquery')) throw new Error('the host page should have loaded jQuery before the widget');
    const $ = requirejs('jquery');
    return Object.values($._data(document, 'events') ?? {}).reduce((sum, handlers) => sum + handlers.length, 0);
  });
  return { native, jquery };
}

describe('widget.zip in the host page', () => {
  it('mounts in the customer card, is destroyed when switching cards and when leaving', async () => {
    const { context, page, errors } = await openPage(browser);
    const [first, second] = sandbox.customers;
    await page.goto(`${sandbox.base}/customers`);
    await page.click(`a[href$="/customers/detail/${first!.id}"]`);
    await page.waitForSelector(CARD_SETTLED);
    expect(await page.locator('.msk-widget').count()).toBe(1);
    await screenshot(page, 'widget-card-first');
    const firstRoot = await page.$(CARD_ROOT);
    expect(await firstRoot!.evaluate((el) => el.childElementCount)).toBeGreaterThan(0);
    const onFirstCard = await listenerCounts(context, page);

    // Switch to the other card without a reload (amoCRM's single-page navigation).
    await page.click('.amo-left-menu [data-menu="customers"]');
    await page.waitForSelector('.customers-list');
    await page.click(`a[href$="/customers/detail/${second!.id}"]`);
    await page.waitForSelector(`.card-holder[data-customer-id="${second!.id}"]`);
    await page.waitForSelector(CARD_SETTLED);
    expect(await page.locator('.msk-widget').count()).toBe(1);
    // destroy unmounted the first Preact tree: its root was emptied by the widget itself, not only
    // dropped with the page (a dropped-but-mounted tree would still have its children).
    expect(await firstRoot!.evaluate((el) => el.childElementCount)).toBe(0);
    expect(await listenerCounts(context, page)).toEqual(onFirstCard);
    await screenshot(page, 'widget-card-second');

    const secondRoot = await page.$(CARD_ROOT);
    await page.click('.amo-left-menu [data-menu="settings"]');
    await page.waitForSelector('.widget-tile');
    expect(await page.locator('.msk-widget').count()).toBe(0);
    expect(await secondRoot!.evaluate((el) => el.childElementCount)).toBe(0);
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('renders its settings into the Integrations modal through the settings callback', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${sandbox.base}/settings/widgets`);
    await openSettingsModal(page);
    await page.waitForSelector('#widget-settings-modal .msk-widget');
    expect(await page.locator('#moysklad_custom_content .msk-widget, #widget-settings-modal .widget_settings_block .msk-widget').count()).toBe(1);
    // The tile logo and the tour slides come from the archive: every one of them must load.
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
    const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.src, loaded: img.naturalWidth > 0 })));
    expect(images.filter((i) => i.src.includes('/images/tour_'))).toHaveLength(3);
    expect(images.filter((i) => !i.loaded)).toEqual([]);
    await screenshot(page, 'widget-settings-modal');
    const settingsRoot = await page.$('#widget-settings-modal .msk-widget');
    await page.click('.js-widget-cancel');
    await page.waitForSelector('#widget-settings-modal', { state: 'hidden' });
    // Closing ends the settings area: destroy unmounted the form (root removed or emptied).
    expect(await settingsRoot!.evaluate((el) => !el.isConnected || el.childElementCount === 0)).toBe(true);
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('mounts its advanced settings page into #work-area-<code>', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${sandbox.base}/settings/widget/moysklad`);
    await page.waitForSelector('#work-area-moysklad .msk-widget');
    await page.waitForSelector('#page-content[data-host-ready="true"]', { state: 'attached' });
    expect(await page.locator('.msk-widget').count()).toBe(1);
    await screenshot(page, 'widget-advanced-settings');
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('follows the dark colour scheme and its toggle', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${sandbox.base}/customers/detail/${sandbox.customers[0]!.id}?theme=dark&lang=en`);
    await page.waitForSelector(CARD_SETTLED);
    expect(await page.getAttribute('html', 'data-color-scheme')).toBe('dark');
    const background = () => page.$eval('.card-widgets', (el) => getComputedStyle(el).backgroundColor);
    const dark = await background();
    await screenshot(page, 'widget-card-dark');
    await page.click('#host-theme-toggle');
    expect(await page.getAttribute('html', 'data-color-scheme')).toBe('light');
    expect(await background()).not.toBe(dark);
    await screenshot(page, 'widget-card-light-en');
    await context.close();
  });
});
