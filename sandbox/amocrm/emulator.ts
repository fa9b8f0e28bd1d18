import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type Express, type RequestHandler } from 'express';
import { apiV4Router } from './api/index.js';
import { signDisposableToken } from './auth/disposable-token.js';
import { callHook, installHookUrl, revokeHookUrl, type HookCall } from './auth/integration-hooks.js';
import { oauthRouter, subdomainLookupRouter } from './auth/oauth-routes.js';
import { TokenRegistry } from './auth/token-registry.js';
import { sendNginxPage, problemErrorHandler, notFound } from './http/problem.js';
import { RequestLog, type AmoRequestLogEntry } from './http/request-log.js';
import { tokenEndpointFaults, type Faults } from './limits/faults.js';
import { maxInAnyWindow, RateLimiter, type AccountLimitStats } from './limits/rate-limiter.js';
import { accountOptionsSchema, emulatorOptionsSchema, type AccountOptions, type AmoCrmEmulatorOptions, type CustomersMode, type ResolvedOptions } from './options.js';
import { AccountState } from './state/account-state.js';
import { EmulatorStore } from './store.js';
import { WebhookDispatcher, type WebhookDelivery } from './webhooks/dispatcher.js';
import { UiActions } from './ui-actions.js';

/** What host-page routers find in `res.locals.amoAccount`. */
export interface PublicAccount { id: number; subdomain: string; name: string; baseUrl: string; customersMode: CustomersMode; users: Array<{ id: number; name: string; isAdmin: boolean }> }

export type { Faults, HookCall, WebhookDelivery, AccountLimitStats, AmoRequestLogEntry };

/**
 * An offline amoCRM: OAuth 2, a subset of API v4, limits, webhooks, and the install/revoke hooks of one
 * integration, for many accounts on one port (account base URL = `{origin}/a/{subdomain}`).
 */
export class AmoCrmEmulator {
  readonly app: Express;
  readonly store: EmulatorStore;
  /** Set fields to inject failures into API v4 calls (see limits/faults.ts). */
  faults: Faults = {};
  /** Install and revoke hook calls made so far. */
  readonly hookLog: HookCall[] = [];
  readonly integration: ResolvedOptions['integration'];

  private readonly options: ResolvedOptions;
  private readonly accounts = new Map<string, AccountState>();
  private readonly tokens: TokenRegistry;
  private readonly limiter: RateLimiter;
  private readonly webhooks: WebhookDispatcher;
  private readonly log: RequestLog;
  private readonly ui: UiActions;
  private readonly hostRouters = Router({ mergeParams: true });
  private server: Server | null = null;
  private listeningOrigin: string | null = null;
  private lastId = 1_000_000;

  constructor(options: AmoCrmEmulatorOptions & { accountRouter?: RequestHandler }) {
    const parsed = emulatorOptionsSchema.safeParse(options);
    if (!parsed.success) throw new Error(`Invalid AmoCrmEmulator options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.options = parsed.data;
    this.integration = parsed.data.integration;
    const scale = this.options.timeScale;
    this.tokens = new TokenRegistry(this.nowMs, { accessSec: this.options.accessTokenTtlSec, refreshSec: this.options.refreshTokenTtlSec, codeSec: this.options.authorizationCodeTtlSec });
    this.limiter = new RateLimiter({ ...this.options.rateLimit, windowMs: 1000 * scale, violationWindowMs: 60_000 * scale }, this.nowMs);
    this.webhooks = new WebhookDispatcher(2000 * scale, this.nowMs, (sub) => this.accountBaseUrl(sub));
    this.log = new RequestLog(this.nowMs);
    for (const account of this.options.accounts) this.addAccount(account);
    this.ui = new UiActions((sub) => this.account(sub), this.webhooks, this.nowMs);
    this.store = new EmulatorStore((sub) => this.account(sub), (sub) => this.accountBaseUrl(sub));
    this.app = this.buildApp();
    if (options.accountRouter) this.mountAccountRouter(options.accountRouter);
  }

  /** Emulator clock in epoch ms (the `now` option, else the real clock). */
  readonly nowMs = (): number => (this.options.now ? this.options.now() : Date.now());

  get webhookLog(): WebhookDelivery[] {
    return this.webhooks.log;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ origin: string }> {
    const server = createServer(this.app);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    this.server = server;
    this.listeningOrigin = `http://${host}:${(server.address() as AddressInfo).port}`;
    return { origin: this.listeningOrigin };
  }

  async close(): Promise<void> {
    await this.webhooks.idle();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get origin(): string {
    if (!this.listeningOrigin) throw new Error('AmoCrmEmulator is not listening yet: await emu.listen() first');
    return this.listeningOrigin;
  }

  accountBaseUrl(subdomain: string): string {
    return `${this.origin}/a/${subdomain}`;
  }

  addAccount(input: AccountOptions): void {
    const data = accountOptionsSchema.parse(input);
    if (this.accounts.has(data.subdomain)) throw new Error(`Account ${data.subdomain} already exists`);
    const state = new AccountState({ ...data, name: data.name ?? data.subdomain }, () => ++this.lastId, Math.floor(this.nowMs() / 1000));
    this.accounts.set(data.subdomain, state);
  }

  accountInfo(subdomain: string): PublicAccount {
    const { data } = this.account(subdomain);
    return { id: data.id, subdomain: data.subdomain, name: data.name, baseUrl: this.listeningOrigin ? this.accountBaseUrl(subdomain) : '', customersMode: data.customersMode, users: data.users.map((u) => ({ ...u })) };
  }

  /** Serves another module's pages under `/a/{subdomain}/…` (after `/oauth2` and `/api/v4`, which stay ours). */
  mountAccountRouter(router: RequestHandler): void {
    this.hostRouters.use(router);
  }

  setCustomersMode(subdomain: string, mode: CustomersMode): void {
    this.account(subdomain).data.customersMode = mode;
  }

  /** An authorization code as if the user clicked "Разрешить" (valid 20 min, single use). */
  issueAuthorizationCode(subdomain: string, userId?: number): string {
    const account = this.account(subdomain);
    const user = userId === undefined ? account.admin() : account.user(userId);
    if (!user) throw new Error(`User ${userId} is not in account ${subdomain}`);
    return this.tokens.issueCode({ subdomain, accountId: account.data.id, userId: user.id, clientId: this.integration.clientId });
  }

  /** A long-lived token ("Ключи" → "Сгенерировать токен"): no refresh token, revoked on uninstall. */
  async issueLongLivedToken(subdomain: string, ttlSec: number, userId?: number): Promise<string> {
    const account = this.account(subdomain);
    const user = userId === undefined ? account.admin() : account.user(userId);
    if (!user) throw new Error(`User ${userId} is not in account ${subdomain}`);
    return this.tokens.issueLongLived({ subdomain, accountId: account.data.id, userId: user.id, clientId: this.integration.clientId }, new URL(this.origin).host, ttlSec);
  }

  /**
   * A token standing for amoCRM's own web UI session (for the host page's reads/writes): same API rights as the
   * user, but not the integration's — exempt from rate limits, the block and faults; not revoked by uninstall.
   */
  async issueUiToken(subdomain: string, userId?: number, ttlSec = 86_400): Promise<string> {
    const account = this.account(subdomain);
    const user = userId === undefined ? account.admin() : account.user(userId);
    if (!user) throw new Error(`User ${userId} is not in account ${subdomain}`);
    return this.tokens.issueUi({ subdomain, accountId: account.data.id, userId: user.id, clientId: 'amocrm-web-ui' }, new URL(this.origin).host, ttlSec);
  }

  /** The X-Auth-Token amoCRM gives the widget's `$authorizedAjax` for this user (HS256 with client_secret, `iss` = account base URL). */
  async issueDisposableToken(subdomain: string, userId: number, ttlSec = 1800): Promise<string> {
    const account = this.account(subdomain);
    const user = account.user(userId);
    if (!user) throw new Error(`User ${userId} is not in account ${subdomain}`);
    return signDisposableToken({
      issuer: this.accountBaseUrl(subdomain), audience: new URL(this.integration.redirectUri).origin, clientId: this.integration.clientId, clientSecret: this.integration.clientSecret,
      accountId: account.data.id, subdomain, userId, isAdmin: user.isAdmin, now: new Date(this.nowMs()), lifetimeSec: ttlSec,
    });
  }

  /**
   * The user installs the widget: a code is issued and the redirect URI is called with `code`, `referer`
   * (= `{host}/a/{subdomain}`, the account address without scheme), `from_widget=1`, `platform=1`.
   */
  async installWidget(subdomain: string, by: { userId: number }): Promise<{ code: string; call: HookCall }> {
    const account = this.account(subdomain);
    const code = this.issueAuthorizationCode(subdomain, by.userId);
    const existing = account.widgets.get(this.integration.widgetCode);
    account.widgets.set(this.integration.widgetCode, { installed: true, settings: existing?.settings ?? {} });
    const referer = `${new URL(this.origin).host}/a/${subdomain}`;
    const call = await callHook(installHookUrl(this.integration.redirectUri, { code, referer }), 3000 * this.options.timeScale);
    this.hookLog.push(call);
    return { code, call };
  }

  /** The user disables the integration: all its tokens on the account are revoked, then the revoke hook is called. */
  async uninstallWidget(subdomain: string): Promise<{ revokedTokens: number; call: HookCall | null }> {
    const account = this.account(subdomain);
    const revokedTokens = this.tokens.revokeAll(subdomain, this.integration.clientId);
    const existing = account.widgets.get(this.integration.widgetCode);
    if (existing) existing.installed = false;
    if (!this.integration.revokeHookUrl) return { revokedTokens, call: null };
    const url = revokeHookUrl(this.integration.revokeHookUrl, { accountId: account.data.id, clientId: this.integration.clientId, clientSecret: this.integration.clientSecret });
    const call = await callHook(url, 3000 * this.options.timeScale);
    this.hookLog.push(call);
    return { revokedTokens, call };
  }

  stats(subdomain: string): AccountLimitStats {
    return this.limiter.stats(this.account(subdomain).data.subdomain);
  }

  /** Most accepted API calls in any window of `windowMs` (default: the scaled 1 s window). */
  maxAcceptedInAnyWindow(subdomain: string, windowMs = 1000 * this.options.timeScale): number {
    return maxInAnyWindow(this.stats(subdomain).timeline, windowMs);
  }

  /** What amoCRM support does on request: lift the 403 block. */
  unblock(subdomain: string): void {
    this.limiter.unblock(this.account(subdomain).data.subdomain);
  }

  /** Forgets the limiter's counters and the request log of the account (e.g. after a test's set-up calls). */
  resetStats(subdomain: string): void {
    this.limiter.reset(this.account(subdomain).data.subdomain);
    this.log.clear(this.account(subdomain).data.subdomain);
  }

  /**
   * Every `/api/v4` call of the account, oldest first (newest 20 000 kept): method, path, `route` (ids folded to
   * `{id}`), query, `items` (length of an array body), User-Agent, status, whether amoCRM's own UI made it.
   */
  requestLog(subdomain: string): AmoRequestLogEntry[] {
    return this.log.entries(this.account(subdomain).data.subdomain);
  }

  /** Resolves when all webhook deliveries started so far are finished. */
  webhooksIdle(): Promise<void> {
    return this.webhooks.idle();
  }

  /** A user deletes a customer in the UI (the API has no delete): `delete_customer` webhook. */
  deleteCustomerAsUser(subdomain: string, customerId: number): boolean {
    return this.ui.deleteCustomer(subdomain, customerId);
  }

  /** A user deletes a contact in the UI: `delete_contact` webhook; links to customers are dropped. */
  deleteContactAsUser(subdomain: string, contactId: number): boolean {
    return this.ui.deleteContact(subdomain, contactId);
  }

  /** A user renames a customer in the UI: `update_customer` webhook. */
  renameCustomerAsUser(subdomain: string, customerId: number, name: string): boolean {
    return this.ui.renameCustomer(subdomain, customerId, name);
  }

  /** A user renames a contact in the UI: `update_contact` webhook. */
  renameContactAsUser(subdomain: string, contactId: number, name: string): boolean {
    return this.ui.renameContact(subdomain, contactId, name);
  }

  /**
   * A manager edits one custom field of a customer by hand (`value: null` clears it): `update_customer` webhook in
   * the documented v2 form. Throws for an unknown field code or a value the field does not take.
   */
  editCustomerField(subdomain: string, customerId: number, fieldCode: string, value: string | number | boolean | null, userId?: number): boolean {
    return this.ui.editCustomerField(subdomain, customerId, fieldCode, value, userId);
  }

  /** A user deletes a product in Списки → Товары (no webhook: amoCRM documents none for catalogs). */
  deleteCatalogElementAsUser(subdomain: string, elementId: number): boolean {
    return this.ui.deleteCatalogElement(subdomain, elementId);
  }

  /** An admin adds another list in Списки (`type` default `regular`); returns its id. */
  addCatalogAsUser(subdomain: string, spec: { name: string; type?: 'regular' | 'invoices' | 'products' }): number {
    return this.ui.addCatalog(subdomain, spec);
  }

  private account(subdomain: string): AccountState {
    const account = this.accounts.get(subdomain);
    if (!account) throw new Error(`Unknown amoCRM account "${subdomain}"`);
    return account;
  }

  private buildApp(): Express {
    const app = express();
    app.disable('x-powered-by');
    app.set('query parser', 'extended'); // filter[id][]=1 → { filter: { id: ['1'] } }, as amoCRM (PHP) parses it
    app.use((_req, res, next) => {
      res.set('X-Request-Id', randomBytes(8).toString('hex')); // amoCRM's SDK records it for support requests
      next();
    });
    const scope = Router({ mergeParams: true });
    scope.use((req, res, next) => {
      const account = this.accounts.get(String(req.params['subdomain']));
      if (!account) throw notFound('Account');
      res.locals['account'] = account;
      res.locals['amoAccount'] = { ...this.accountInfo(account.data.subdomain), baseUrl: `${req.protocol}://${req.get('host')}/a/${account.data.subdomain}` } satisfies PublicAccount;
      next();
    });
    const rejectBlockedOAuth: RequestHandler = (_req, res, next) =>
      this.limiter.isBlocked((res.locals['account'] as AccountState).data.subdomain) ? sendNginxPage(res, 403, 'Forbidden') : next();
    scope.use('/oauth2', rejectBlockedOAuth, oauthRouter({ integration: this.integration, tokens: this.tokens, faults: tokenEndpointFaults(() => this.faults) }));
    scope.use('/api/v4', apiV4Router({ nowMs: this.nowMs, webhooks: this.webhooks, integration: this.integration, tokens: this.tokens, limiter: this.limiter, faults: () => this.faults, requestLog: this.log }));
    scope.use(this.hostRouters);
    app.use('/a/:subdomain', scope);
    app.use(subdomainLookupRouter({ tokens: this.tokens, accountById: (id) => [...this.accounts.values()].find((a) => a.data.id === id) }));
    app.use(problemErrorHandler);
    return app;
  }
}
