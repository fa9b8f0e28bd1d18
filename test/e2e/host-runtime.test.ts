import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { jwtVerify } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureWidgetZip } from '../../sandbox/host/testing/fixture-widget.js';
import { launchBrowser, openPage, screenshot } from './support/browser.js';
import { openSettingsModal, settingsModalReady } from './support/host-page.js';
import { CLIENT_ID, CLIENT_SECRET, startE2eSandbox, type E2eSandbox } from './support/sandbox.js';

// The host page itself, driven with a fixture widget whose callbacks log what the host does: the
// amoCRM callback order, destroy on leaving, the settings modal with a rejecting onSave, the
// disposable token of $authorizedAjax, the theme switch. Independent of the real widget build.

let browser: Browser;
let sandbox: E2eSandbox;
let proxy: Server;
let proxyOrigin: string;
let dir: string;
const installCalls: Record<string, unknown>[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2e-host-'));
  const zipPath = join(dir, 'widget.zip');
  await writeFile(zipPath, buildFixtureWidgetZip());
  // A stand-in for the proxy that only echoes the X-Auth-Token it received (with CORS like ours).
  const app = express();
  app.use((req, res, next) => {
    res.set('Access-Control-Allow-Origin', req.get('origin') ?? '*').set('Access-Control-Allow-Headers', 'X-Auth-Token');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  app.get('/echo', (req, res) => res.type('text').send(req.get('x-auth-token') ?? ''));
  app.get('/amocrm/install', (req, res) => {
    installCalls.push({ ...req.query });
    res.status(204).end();
  });
  proxy = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => proxy.once('listening', resolve));
  proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  sandbox = await startE2eSandbox({ widgetZipPath: zipPath, installedWith: { config: '{"consent":1}' }, proxyOrigin });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const widgetLog = (page: Page) => page.evaluate(() => ((window as unknown as { fixtureWidgetLog?: string[] }).fixtureWidgetLog ?? []).slice());
const jqueryClickHandlers = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { requirejs: (id: string) => { _data(el: unknown, key: string): Record<string, unknown[]> | undefined } };
    return w.requirejs('jquery')._data(document, 'events')?.click?.length ?? 0;
  });
const ready = (page: Page) => page.waitForSelector('#page-content[data-host-ready="true"]', { state: 'attached' });

describe('host page with a fixture widget', () => {
  it('runs render → init → bind_actions in a card and destroy when the card is left', async () => {
    const { context, page, errors } = await openPage(browser);
    const [first, second] = sandbox.customers;
    await page.goto(`${sandbox.base}/customers`);
    await ready(page);
    expect(await page.locator('.customers-list__row').count()).toBe(2);

    await page.click(`a[href$="/customers/detail/${first!.id}"]`);
    await page.waitForSelector(`.card-widgets__elements .fixture-root[data-card="${first!.id}"]`);
    await ready(page);
    expect(await page.textContent('.fixture-root')).toBe('Привет');
    expect(await page.locator('[data-field-code="BONUS_POINTS"] .card-fields__value').textContent()).toBe('534');
    expect(await widgetLog(page)).toEqual(['render:cucard', 'init', 'bind_actions']);
    expect(await jqueryClickHandlers(page)).toBe(1);

    await page.goBack(); // popstate: back to the list without a reload
    await page.waitForSelector('.customers-list');
    await ready(page);
    expect(await widgetLog(page)).toEqual(['render:cucard', 'init', 'bind_actions', 'destroy']);
    expect(await jqueryClickHandlers(page)).toBe(0);

    await page.click(`a[href$="/customers/detail/${second!.id}"]`);
    await page.waitForSelector(`.fixture-root[data-card="${second!.id}"]`);
    expect(await page.locator('.card-widgets__widget').count()).toBe(1);
    expect(await jqueryClickHandlers(page)).toBe(1);
    // The same page session: the log survived, so no reload happened.
    expect((await widgetLog(page)).filter((e) => e === 'render:cucard')).toHaveLength(2);
    await screenshot(page, 'host-fixture-card');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('signs X-Auth-Token for $authorizedAjax with the integration secret', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${sandbox.base}/customers/detail/${sandbox.customers[0]!.id}`);
    await page.waitForSelector('.fixture-root');
    const token = await page.evaluate(
      (url) =>
        new Promise<string>((resolve, reject) => {
          const call = (window as unknown as { fixtureAuthorizedAjax(u: string): { then(ok: (d: string) => void, fail: () => void): void } }).fixtureAuthorizedAjax;
          call(url).then(resolve, () => reject(new Error('authorized ajax failed')));
        }),
      `${proxyOrigin}/echo`,
    );
    const { payload } = await jwtVerify(token, new TextEncoder().encode(CLIENT_SECRET), { issuer: sandbox.base, audience: proxyOrigin });
    expect(payload).toMatchObject({ account_id: 31000001, user_id: 5000001, subdomain: 'demo', client_uuid: CLIENT_ID, is_admin: true });
    await context.close();
  });

  it('keeps the settings modal open (saying nothing of its own) when onSave rejects, closes it when onSave resolves', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${sandbox.base}/settings/widgets?lang=en`);
    await ready(page);
    await openSettingsModal(page);
    expect(await page.locator('#moysklad_custom_content .fixture-consent').count()).toBe(1);
    expect(await widgetLog(page)).toEqual(['render:settings', 'init', 'bind_actions', 'settings']);

    await page.evaluate(() => ((document.getElementById('moysklad_custom') as HTMLInputElement).value = '{"reject":true}'));
    await page.click('.js-widget-save');
    await expect.poll(() => page.evaluate(() => JSON.stringify((window as unknown as { amoHost: { log: unknown } }).amoHost.log))).toContain('onSave:rejected');
    // What amoCRM shows for a rejected onSave is undocumented: the widget says why itself (once), the host does not.
    expect(await page.isHidden('.amo-modal__error')).toBe(true);
    expect(await page.isVisible('#widget-settings-modal')).toBe(true);
    await screenshot(page, 'host-fixture-settings-rejected');

    await page.evaluate(() => ((document.getElementById('moysklad_custom') as HTMLInputElement).value = '{"consent":2}'));
    await page.click('.js-widget-save');
    await page.waitForSelector('#widget-settings-modal', { state: 'hidden' });
    // (the fixture's document click handler also logs the clicks made inside the modal)
    expect((await widgetLog(page)).filter((e) => e !== 'click')).toEqual(['render:settings', 'init', 'bind_actions', 'settings', 'onSave:Y', 'onSave:Y', 'destroy']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens the settings modal from a card through self.openWidgetSettings', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${sandbox.base}/customers/detail/${sandbox.customers[0]!.id}`);
    await page.waitForSelector('.fixture-root');
    await page.evaluate(() => (window as unknown as { fixtureOpenSettings(): void }).fixtureOpenSettings());
    await settingsModalReady(page);
    expect(new URL(page.url()).pathname).toBe('/a/demo/settings/widgets');
    expect(await widgetLog(page)).toEqual(['render:cucard', 'init', 'bind_actions', 'destroy', 'render:settings', 'init', 'bind_actions', 'settings']);
    await context.close();
  });

  it('runs advancedSettings on the widget page and switches the colour scheme', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${sandbox.base}/settings/widget/moysklad`);
    await page.waitForSelector('#work-area-moysklad .fixture-advanced');
    expect(await widgetLog(page)).toEqual(['render:advanced-settings', 'init', 'bind_actions', 'advancedSettings']);
    expect(await page.getAttribute('html', 'data-color-scheme')).toBe('light');
    await page.click('#host-theme-toggle');
    expect(await page.getAttribute('html', 'data-color-scheme')).toBe('dark');
    await page.reload();
    expect(await page.getAttribute('html', 'data-color-scheme')).toBe('dark'); // remembered in a cookie
    await screenshot(page, 'host-fixture-advanced-dark');
    await context.close();
  });

  // Last: it changes the install state the other tests rely on.
  it('disables and installs again through the modal, and amoCRM calls the install hook', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${sandbox.base}/settings/widgets`);
    await openSettingsModal(page);
    await page.click('.js-widget-disable');
    await page.waitForSelector('.widget-tile__status--install');
    expect(sandbox.emulator.store.widget('demo', 'moysklad')?.installed).toBe(false);
    expect((await widgetLog(page)).filter((e) => e !== 'click').slice(-2)).toEqual(['onSave:N', 'destroy']);

    await page.goto(`${sandbox.base}/customers/detail/${sandbox.customers[0]!.id}`);
    await ready(page);
    expect(await page.locator('.card-widgets__widget').count()).toBe(0); // a disabled widget does not run in cards

    await page.goto(`${sandbox.base}/settings/widgets`);
    expect(await page.textContent('.js-widget-save')).toBe('Установить');
    await openSettingsModal(page);
    await page.evaluate(() => ((document.getElementById('moysklad_custom') as HTMLInputElement).value = '{"consent":3}'));
    await page.click('.js-widget-save');
    await page.waitForSelector('.widget-tile__status--installed');
    expect(sandbox.emulator.store.widget('demo', 'moysklad')).toEqual({ installed: true, settings: { config: '{"consent":3}' } });
    expect(installCalls).toEqual([{ code: expect.any(String), referer: `${new URL(sandbox.origin).host}/a/demo`, from_widget: '1', platform: '1' }]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
