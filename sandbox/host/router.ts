import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { signDisposableToken } from '../amocrm/auth/disposable-token.js';
import { contentTypeFor } from './content-types.js';
import { hostStrings } from './host-i18n.js';
import { accountFromEmulator, USER_COOKIE_NAME } from './emulator-account.js';
import { createHostAssets } from './host-assets.js';
import { buildPageState, widgetLangs, type PagePlace } from './page-state-builder.js';
import { renderAdvancedSettingsPage } from './pages/advanced-settings-page.js';
import { renderCustomerCardPage, renderCustomerNotFound } from './pages/customer-card-page.js';
import { renderCustomersPage } from './pages/customers-page.js';
import { renderLayout, type PageBody } from './pages/layout.js';
import { renderSettingsPage } from './pages/settings-page.js';
import { resolvePreferences } from './request-preferences.js';
import type { HostAccount, HostRouterOptions, WidgetInstallState } from './types.js';
import { archiveEntryName, WidgetArchiveFile, type WidgetArchive } from './widget-archive.js';
import { replaceShortTags, translate } from './widget-i18n.js';
import { createMemoryWidgetStateStore } from './widget-state-store.js';

const optionsSchema = z.object({
  widgetZipPath: z.string().min(1).default('dist/widget.zip'),
  widgetCode: z.string().regex(/^[a-z0-9_]+$/, 'widget code: lower-case letters, digits and _').default('moysklad'),
  integration: z.object({ clientId: z.string().min(1), clientSecret: z.string().min(8) }),
  proxyOrigin: z.url(),
});

const widgetStateBodySchema = z.object({
  action: z.enum(['save', 'disable']),
  settings: z.record(z.string(), z.string()).default({}),
});

const CUSTOMER_ELEMENT_TYPE = 12; // amo-docs web_sdk/card: customer = 12

/**
 * The amoCRM-like host page, mounted at `{origin}/a/{subdomain}`. Serves the account pages, the
 * uploaded widget archive, the RequireJS runtime and the disposable-token endpoint.
 */
export function createHostRouter(options: HostRouterOptions): Router {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`createHostRouter: invalid options: ${z.prettifyError(parsed.error)}`);
  const { widgetZipPath, widgetCode, integration, proxyOrigin } = parsed.data;
  const archiveFile = new WidgetArchiveFile(widgetZipPath);
  const widgetState = options.widgetState ?? createMemoryWidgetStateStore();
  const assets = createHostAssets();
  const logger = options.logger ?? { warn: (details: object, message: string) => console.warn(message, details) };
  const router = Router({ mergeParams: true });

  function accountFor(req: Request, res: Response): HostAccount | undefined {
    if (options.account === undefined) {
      const resolved = accountFromEmulator(res.locals.amoAccount, req);
      if (resolved?.rememberUser) res.cookie(USER_COOKIE_NAME, String(resolved.rememberUser), { path: req.baseUrl || '/', sameSite: 'lax' });
      return resolved?.account;
    }
    if (typeof options.account !== 'function') return options.account;
    return options.account(subdomainOf(req));
  }

  function accountBaseUrl(req: Request, account: HostAccount): string {
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    return options.accountBaseUrl?.(account.subdomain, origin, req.baseUrl) ?? `${origin}${req.baseUrl}`;
  }

  router.use((req, res, next) => {
    const account = accountFor(req, res);
    if (!account) return void res.status(404).type('text/plain').send('amoCRM account not found');
    res.locals.account = account;
    next();
  });

  router.get('/host-assets/:file', (req, res) => {
    const asset = assets.get(req.params.file);
    if (!asset) return void res.status(404).type('text/plain').send('no such host asset');
    res.type(asset.contentType).set('Cache-Control', 'no-cache').send(asset.body);
  });

  router.get('/widgets/:code/*path', async (req, res) => {
    const loaded = await archiveFile.load();
    if (req.params.code !== widgetCode || !loaded.ok) return void res.status(404).type('text/plain').send('widget not found');
    const entry = archiveEntryName((req.params.path as unknown as string[]).join('/'));
    const bytes = entry ? loaded.archive.files.get(entry) : undefined;
    if (!entry || !bytes) return void res.status(404).type('text/plain').send('no such file in widget.zip');
    res.type(contentTypeFor(entry)).set('Cache-Control', 'no-cache').set('X-Content-Type-Options', 'nosniff').send(Buffer.from(bytes));
  });

  // Same-origin endpoint behind `self.$authorizedAjax`. Identity comes from the session (here: the
  // account's current user), never from the request body; the secret never leaves the server.
  router.post('/host-api/disposable-token', async (req, res) => {
    if (req.get('X-Requested-With') !== 'XMLHttpRequest') return void res.status(403).json({ error: 'same-origin XHR only' });
    const account: HostAccount = res.locals.account;
    const token = await signDisposableToken({
      clientSecret: integration.clientSecret,
      clientId: integration.clientId,
      issuer: accountBaseUrl(req, account),
      audience: proxyOrigin,
      accountId: account.id,
      userId: account.currentUser.id,
      subdomain: account.subdomain,
      isAdmin: account.currentUser.isAdmin,
      ...(options.now ? { now: options.now() } : {}),
    });
    res.set('Cache-Control', 'no-store').json({ token });
  });

  router.post('/host-api/widget-state', jsonBody, async (req, res) => {
    const account: HostAccount = res.locals.account;
    if (!account.currentUser.isAdmin) return void res.status(403).json({ error: 'only administrators manage integrations' });
    const body = widgetStateBodySchema.safeParse(req.body);
    if (!body.success) return void res.status(400).json({ error: z.prettifyError(body.error) });
    const previous = await widgetState.get(account.subdomain);
    const loaded = await archiveFile.load();
    const settings = loaded.ok ? keepStorableSettings(body.data.settings, loaded.archive) : body.data.settings;
    const next: WidgetInstallState =
      body.data.action === 'save'
        ? { status: 'installed', active: true, settings }
        : { status: 'install', active: false, settings: previous.settings };
    await widgetState.set(account.subdomain, next);
    try {
      if (body.data.action === 'save' && previous.status !== 'installed') await options.onInstall?.(account.subdomain, { userId: account.currentUser.id });
      if (body.data.action === 'disable' && previous.status === 'installed') await options.onUninstall?.(account.subdomain, { userId: account.currentUser.id });
    } catch (error) {
      // amoCRM ignores what the install hook answers (3 s timeout, no retry); so do we, but say so.
      res.set('X-Host-Hook-Error', (error as Error).message.slice(0, 200));
    }
    res.json(next);
  });

  router.get('/', (req, res) => res.redirect(`${req.baseUrl}/customers`));

  router.get('/customers', (req, res) =>
    renderPage(req, res, { location: 'culist', area: 'culist', widgetsArea: 'customers', baseEntity: 'customers', card: false }, async (ctx) =>
      renderCustomersPage(req.baseUrl, ctx.strings, await options.dataSource(ctx.account).listCustomers()),
    ),
  );

  router.get('/customers/detail/:id', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return void res.status(404).type('text/plain').send('customer not found');
    const customer = await options.dataSource(res.locals.account).getCustomer(id).catch((error: unknown) => {
      logger.warn({ err: (error as Error).message, customerId: id }, 'host page: reading the customer from amoCRM failed');
      return undefined;
    });
    const place: PagePlace = customer
      ? {
          location: 'cucard',
          area: 'cucard',
          widgetsArea: 'customers_card',
          baseEntity: 'customers',
          card: { id, elementType: CUSTOMER_ELEMENT_TYPE, attributes: { id, name: customer.name } },
        }
      : { location: null, area: null, widgetsArea: 'customers_card', baseEntity: 'customers', card: false };
    await renderPage(req, res, place, async (ctx) => {
      if (customer === undefined) throw new CustomerReadFailed();
      if (customer === null) {
        res.status(404);
        return renderCustomerNotFound(ctx.strings);
      }
      return renderCustomerCardPage(req.baseUrl, ctx.strings, customer);
    });
  });

  router.get('/settings/widgets', (req, res) =>
    renderPage(req, res, { location: 'settings', area: 'settings', widgetsArea: 'widgetsSettings', baseEntity: 'settings', card: false }, (ctx) =>
      renderSettingsPage({
        strings: ctx.strings,
        widget: ctx.state.widget,
        widgetError: ctx.archiveError,
        texts: ctx.archive ? widgetTexts(ctx.archive, ctx) : null,
        tourImages: ctx.archive?.manifest.tour?.tour_images[ctx.state.lang] ?? [],
      }),
    ),
  );

  router.get('/settings/widget/:code', async (req, res) => {
    const loaded = await archiveFile.load();
    if (req.params.code !== widgetCode || !loaded.ok || !loaded.archive.manifest.advanced) {
      return void res.status(404).type('text/plain').send('this widget has no advanced settings page');
    }
    const advancedKey = loaded.archive.manifest.advanced.title;
    const place: PagePlace = { location: 'advanced_settings', area: 'advanced-settings', widgetsArea: `advanced-settings:${widgetCode}`, baseEntity: 'settings', card: false };
    await renderPage(req, res, place, async (ctx) => renderAdvancedSettingsPage(translate(ctx.state.widget?.langs, advancedKey), widgetCode));
  });

  type PageContext = {
    account: HostAccount;
    strings: ReturnType<typeof hostStrings>;
    state: ReturnType<typeof buildPageState>;
    archive: WidgetArchive | null;
    archiveError: string | null;
    baseUrl: string;
  };

  async function renderPage(req: Request, res: Response, place: PagePlace, body: (ctx: PageContext) => PageBody | Promise<PageBody>) {
    const account: HostAccount = res.locals.account;
    const { lang, theme } = resolvePreferences(req, res, req.baseUrl, account.defaultLanguage ?? 'ru');
    const loaded = await archiveFile.load();
    const archive = loaded.ok ? loaded.archive : null;
    const baseUrl = accountBaseUrl(req, account);
    const state = buildPageState({
      place, account, accountBaseUrl: baseUrl, mountPath: req.baseUrl, lang, theme, archive, widgetCode,
      install: await widgetState.get(account.subdomain), proxyOrigin, clientId: integration.clientId,
    });
    const strings = hostStrings(lang);
    const ctx: PageContext = { account, strings, state, archive, archiveError: loaded.ok ? null : loaded.error, baseUrl };
    let page: PageBody;
    try {
      page = await body(ctx);
    } catch (error) {
      // The page stays usable (menu, theme) and says what failed; details stay in the server log.
      if (!(error instanceof CustomerReadFailed)) logger.warn({ err: (error as Error).message, path: req.path }, 'host page: reading amoCRM failed');
      res.status(502);
      page = { title: strings.loadFailed, menu: 'customers', content: `<p class="amo-empty">${strings.loadFailed}</p>` };
      state.page.runWidget = false;
    }
    const advancedKey = archive?.manifest.advanced?.title;
    const advancedTitle = advancedKey && state.widget?.status === 'installed' ? translate(state.widget.langs, advancedKey) : null;
    res.type('html').set('Cache-Control', 'no-store').send(renderLayout({ state, strings, body: page, advancedTitle }));
  }

  function widgetTexts(archive: WidgetArchive, ctx: PageContext) {
    const langs = widgetLangs(archive, ctx.state.lang);
    const host = new URL(ctx.baseUrl).host;
    const description = replaceShortTags(translate(langs, archive.manifest.widget.description), {
      host, subdomain: ctx.account.subdomain, login: ctx.account.currentUser.email ?? '', accountId: ctx.account.id,
      userId: ctx.account.currentUser.id, topLevelDomain: 'ru',
    });
    return { name: translate(langs, archive.manifest.widget.name), shortDescription: translate(langs, archive.manifest.widget.short_description), description };
  }

  return router;
}

/** Already logged where it happened. */
class CustomerReadFailed extends Error {}

/**
 * amoCRM stores a `custom` field only as a JSON string or a number; "a plain string is not saved"
 * (amo-docs integrations/custom_settings). Dropping such values here shows a widget bug early.
 */
function keepStorableSettings(settings: Record<string, string>, archive: WidgetArchive): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (archive.manifest.settings[name]?.type === 'custom' && value !== '') {
      try {
        JSON.parse(value);
      } catch {
        continue;
      }
    }
    kept[name] = value;
  }
  return kept;
}

/** The subdomain of a mount like `/a/demo`, or the `:subdomain` route parameter of the parent. */
function subdomainOf(req: Request): string {
  const fromParams = (req.params as Record<string, string | undefined>).subdomain;
  return fromParams ?? /\/a\/([^/]+)$/.exec(req.baseUrl)?.[1] ?? '';
}

// express.json() is not used so the router does not depend on how the parent app parses bodies.
async function jsonBody(req: Request, res: Response, next: () => void) {
  if (req.body !== undefined && typeof req.body === 'object') return next();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return void res.status(413).json({ error: 'body too large' });
    chunks.push(chunk as Buffer);
  }
  try {
    req.body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  } catch {
    return void res.status(400).json({ error: 'body is not JSON' });
  }
  next();
}
