import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import express from 'express';
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHostRouter } from './router.js';
import { FIXTURE_SCRIPT } from './testing/fixture-widget.js';
import { createMemoryDataSource } from './testing/memory-data-source.js';
import { startHostTestServer, TEST_CLIENT_ID, TEST_SECRET, testAccount, type HostTestServer } from './testing/host-test-server.js';

let server: HostTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function pageState(html: string) {
  const json = /<script type="application\/json" id="amo-host-state">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error('page has no host state');
  return JSON.parse(json);
}

describe('widget files', () => {
  it('serves files straight from widget.zip with their content types', async () => {
    server = await startHostTestServer();
    const script = await fetch(`${server.base}/widgets/moysklad/script.js?v=0.0.7`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe(FIXTURE_SCRIPT);
    const logo = await fetch(`${server.base}/widgets/moysklad/images/logo_medium.png`);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await logo.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect((await fetch(`${server.base}/widgets/moysklad/i18n/en.json`)).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await fetch(`${server.base}/widgets/moysklad/style.css`)).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('answers 404 for unknown files, other widget codes and escapes from the archive', async () => {
    server = await startHostTestServer();
    expect((await fetch(`${server.base}/widgets/moysklad/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.base}/widgets/other/script.js`)).status).toBe(404);
    expect((await fetch(`${server.base}/widgets/moysklad/%2e%2e%2fpackage.json`)).status).toBe(404);
  });
});

describe('pages', () => {
  it('wires RequireJS and jQuery from their npm packages into every page', async () => {
    server = await startHostTestServer();
    const html = await (await fetch(`${server.base}/customers`)).text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts[0]).toBe('/a/demo/host-assets/require.js');
    expect(scripts).toContain('/a/demo/host-assets/host-runtime.js');
    const require = createRequire(import.meta.url);
    const requireJs = await fetch(`${server.origin}${scripts[0]}`);
    expect(requireJs.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await requireJs.text()).toBe(await readFile(require.resolve('requirejs/require.js'), 'utf8'));
    const jquery = await (await fetch(`${server.base}/host-assets/jquery.js`)).text();
    expect(jquery).toBe(await readFile(require.resolve('jquery/dist/jquery.js'), 'utf8'));
    expect(jquery).toContain('define( "jquery"'); // jQuery registers itself as the `jquery` AMD module
    const runtime = await (await fetch(`${server.base}/host-assets/host-runtime.js`)).text();
    expect(runtime).toContain("jquery: state.urls.assets + '/jquery'");
  });

  it('lists customers and escapes their data', async () => {
    server = await startHostTestServer();
    const html = await (await fetch(`${server.base}/customers`)).text();
    expect(html).toContain('Ирина Покупателева');
    expect(html).toContain('Олег &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(pageState(html).page).toMatchObject({ location: 'culist', widgetsArea: 'customers', card: false, runWidget: false });
  });

  it('renders the customer card with its fields, feed and the right-hand widget column', async () => {
    server = await startHostTestServer({ initialState: { status: 'installed', active: true, settings: { config: '{"a":1}' } } });
    const html = await (await fetch(`${server.base}/customers/detail/1001?lang=en&theme=dark`)).text();
    expect(html).toContain('data-color-scheme="dark"');
    expect(html).toContain('2000000123456');
    expect(html).toContain('Начислено 80 баллов');
    expect(html).toContain('<div class="card-widgets__elements"></div>');
    const state = pageState(html);
    expect(state.page).toMatchObject({ area: 'cucard', isCard: true, runWidget: true, rightPanel: true, card: { id: 1001, elementType: 12 } });
    expect(state.lang).toBe('en');
    expect(state.widget).toMatchObject({
      code: 'moysklad', path: '/a/demo/widgets/moysklad', version: '0.0.7', status: 'installed',
      proxyUrl: 'http://127.0.0.1:9', clientUuid: TEST_CLIENT_ID, settings: { config: '{"a":1}' },
      langs: { widget: { name: 'Fixture widget' } },
    });
    expect(html).not.toContain(TEST_SECRET);
    expect((await fetch(`${server.base}/customers/detail/424242`)).status).toBe(404);
  });

  it('renders the Integrations modal markup amoCRM widgets rely on', async () => {
    server = await startHostTestServer();
    const html = await (await fetch(`${server.base}/settings/widgets`)).text();
    expect(html).toContain('class="widget_settings_block"');
    expect(html).toContain('id="moysklad_custom_content"');
    expect(html).toMatch(/<input type="hidden" id="moysklad_custom" name="config" value="" data-required="true">/);
    expect(html).toContain('Account 31000001 at demo'); // short-tags replaced
    expect(html).toContain('js-widget-save');
    expect((await fetch(`${server.base}/settings/widget/moysklad`)).status).toBe(200);
  });

  it('answers 502 with a usable page and logs when amoCRM cannot be read', async () => {
    const warn = vi.fn();
    const failing = { listCustomers: () => Promise.reject(new Error('amoCRM API GET /api/v4/customers answered 500')), getCustomer: () => Promise.reject(new Error('boom')) };
    server = await startHostTestServer({ dataSource: failing, hooks: { logger: { warn } } });
    const list = await fetch(`${server.base}/customers`);
    expect(list.status).toBe(502);
    expect(await list.text()).toContain('Не удалось загрузить данные amoCRM');
    const card = await fetch(`${server.base}/customers/detail/1001`);
    expect(card.status).toBe(502);
    expect(pageState(await card.text()).page.runWidget).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]![0]).toEqual({ err: 'amoCRM API GET /api/v4/customers answered 500', path: '/customers' });
  });

  it('still renders pages, with the reason, when widget.zip is missing', async () => {
    server = await startHostTestServer({ zip: null });
    const html = await (await fetch(`${server.base}/settings/widgets`)).text();
    expect(html).toContain('run npm run build:widget first');
    expect(pageState(html).widget).toBeNull();
  });
});

describe('disposable token endpoint', () => {
  it('signs a token for the current user that verifies with the integration secret', async () => {
    server = await startHostTestServer({ proxyOrigin: 'http://127.0.0.1:7777' });
    const response = await fetch(`${server.base}/host-api/disposable-token`, { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token } = (await response.json()) as { token: string };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(TEST_SECRET), {
      algorithms: ['HS256'], issuer: server.base, audience: 'http://127.0.0.1:7777',
    });
    expect(payload).toMatchObject({ account_id: 31000001, user_id: 5000001, subdomain: 'demo', client_uuid: TEST_CLIENT_ID, is_admin: true });
  });

  it('refuses requests that are not same-origin XHR', async () => {
    server = await startHostTestServer();
    expect((await fetch(`${server.base}/host-api/disposable-token`, { method: 'POST' })).status).toBe(403);
  });
});

describe('widget install state', () => {
  const post = (base: string, body: unknown) =>
    fetch(`${base}/host-api/widget-state`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('installs once, calls the install hook once, and uninstalls through the other hook', async () => {
    const onInstall = vi.fn();
    const onUninstall = vi.fn();
    server = await startHostTestServer({ hooks: { onInstall, onUninstall } });
    expect(await (await post(server.base, { action: 'save', settings: { config: '{"consent":1}' } })).json()).toEqual({
      status: 'installed', active: true, settings: { config: '{"consent":1}' },
    });
    await post(server.base, { action: 'save', settings: { config: '{"consent":2}' } });
    expect(onInstall).toHaveBeenCalledTimes(1);
    expect(onInstall).toHaveBeenCalledWith('demo', { userId: 5000001 });
    const state = pageState(await (await fetch(`${server.base}/customers/detail/1001`)).text());
    expect(state.widget.settings).toEqual({ config: '{"consent":2}' });
    await post(server.base, { action: 'disable' });
    expect(onUninstall).toHaveBeenCalledWith('demo', { userId: 5000001 });
  });

  it('drops a plain-string custom value like amoCRM, and rejects bad bodies and non-admins', async () => {
    server = await startHostTestServer();
    expect(await (await post(server.base, { action: 'save', settings: { config: 'plain' } })).json()).toMatchObject({ settings: {} });
    expect((await post(server.base, { action: 'explode' })).status).toBe(400);
    await server.close();
    server = await startHostTestServer({ account: testAccount({ currentUser: { id: 7, name: 'M', isAdmin: false } }) });
    expect((await post(server.base, { action: 'save', settings: {} })).status).toBe(403);
  });
});

describe('account from the amoCRM emulator', () => {
  it('acts as the first administrator, or as the user picked with ?user= (remembered)', async () => {
    const app = express();
    app.use('/a/demo', (_req, res, next) => {
      res.locals.amoAccount = { id: 42, subdomain: 'demo', name: 'Emu', baseUrl: 'x', customersMode: 'segments', users: [
        { id: 1, name: 'Manager', isAdmin: false }, { id: 2, name: 'Admin', isAdmin: true },
      ] };
      next();
    });
    const source = createMemoryDataSource();
    app.use('/a/demo', createHostRouter({ widgetZipPath: '/nonexistent/widget.zip', integration: { clientId: 'c', clientSecret: TEST_SECRET }, proxyOrigin: 'http://127.0.0.1:9', dataSource: () => source }));
    const listening = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    const base = `http://127.0.0.1:${(listening.address() as { port: number }).port}/a/demo`;
    try {
      expect(pageState(await (await fetch(`${base}/customers`)).text()).user).toMatchObject({ id: 2, isAdmin: true });
      const asManager = await fetch(`${base}/customers?user=1`);
      expect(pageState(await asManager.text()).user).toMatchObject({ id: 1, name: 'Manager', isAdmin: false });
      const cookie = asManager.headers.get('set-cookie')!.split(';')[0]!;
      const token = await fetch(`${base}/host-api/disposable-token`, { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest', cookie } });
      const { payload } = await jwtVerify(((await token.json()) as { token: string }).token, new TextEncoder().encode(TEST_SECRET));
      expect(payload).toMatchObject({ account_id: 42, user_id: 1, is_admin: false });
    } finally {
      listening.closeAllConnections();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    }
  });
});
