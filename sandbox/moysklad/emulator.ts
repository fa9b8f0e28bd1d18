import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { Accounts } from './accounts.js';
import { apiRouter } from './api-router.js';
import { EmulatorCore } from './core.js';
import type { Faults } from './faults.js';
import { resolveOptions, type MoySkladEmulatorOptions } from './options.js';
import { parseExpand } from './presenter.js';
import { maxAcceptedInWindow, RateLimiter, type UserRequestStats } from './rate-limiter.js';
import { absolutizeHrefs, API_ROOT } from './references.js';
import { sandboxRoutes } from './routes/sandbox-routes.js';
import { createWebhook } from './routes/webhook-routes.js';
import { loadSeed, type SeedCounts } from './seed-loader.js';
import type { RequestLogEntry } from './request-log.js';
import { returnAtTill, sellAtTill, type TillReturnInput, type TillSaleInput } from './till.js';
import { UiActions } from './ui-actions.js';
import type { Doc } from './store.js';
import type { WebhookLogEntry } from './webhook-dispatcher.js';

export type { MoySkladEmulatorOptions } from './options.js';
export type { Faults } from './faults.js';
export type { WebhookLogEntry, WebhookPayload } from './webhook-dispatcher.js';
export type { UserRequestStats } from './rate-limiter.js';
export type { MoySkladSeed, SeedCounts } from './seed-loader.js';
export type { TillReturnInput, TillSaleInput } from './till.js';
export type { RequestLogEntry } from './request-log.js';
export { maxAcceptedInWindow } from './rate-limiter.js';
export { ApiError } from './api-error.js';
export { INSUFFICIENT_POINTS_CODE } from './kinds/bonus-ledger.js';
export { FIXED_IDS, SALE_PRICE_TYPE_NAME } from './fixtures.js';
export { DEFAULT_ACCOUNT_ID, DEFAULT_USER } from './options.js';

type Presented = Record<string, unknown>;

export interface TillSaleResult {
  retaildemand: Presented;
  counterparty: Presented;
  pointsSpent: number;
  pointsEarned: number;
  bonusTransactions: Presented[];
}

export interface TillReturnResult {
  retailsalesreturn: Presented;
  counterparty: Presented;
  bonusTransactions: Presented[];
}

/**
 * An offline МойСклад JSON API 1.2 (see README.md). `router` serves `/api/remap/1.2/...` and the
 * sandbox-only `/sandbox/till/...`; `listen()` puts it on 127.0.0.1.
 */
export class MoySkladEmulator {
  readonly router: Express;
  /** "As a user in the МойСклад UI": create/update/delete with audit + webhooks. */
  readonly ui: UiActions;
  /** Every finished API request (newest 10 000), for tests that check what a client sent. */
  readonly requestLog: RequestLogEntry[] = [];
  private readonly core: EmulatorCore;
  private readonly accounts: Accounts;
  private readonly limiter: RateLimiter;
  private server: Server | undefined;
  private listening = false;

  constructor(options: MoySkladEmulatorOptions = {}) {
    const resolved = resolveOptions(options);
    this.core = new EmulatorCore(resolved);
    this.accounts = new Accounts(resolved.users);
    this.limiter = new RateLimiter(resolved.rateLimits, resolved.timeScale, resolved.rateLimitClock);
    this.ui = new UiActions(this.core, () => this.cashier(), (type, id) => this.get(type, id));
    this.router = express();
    this.router.disable('x-powered-by');
    this.router.use(API_ROOT, (req, res, next) => {
      const fromRequest = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${API_ROOT}`;
      if (!this.listening && !resolved.publicBaseUrl) this.core.setListeningBaseUrl(fromRequest);
      res.locals.baseUrl = this.core.publicBaseUrl();
      next();
    });
    this.router.use(API_ROOT, apiRouter(this.core, this.accounts, this.limiter, this.requestLog));
    this.router.use('/sandbox', sandboxRoutes({
      sellAtTill: (input) => this.sellAtTill(input as TillSaleInput),
      returnAtTill: (id, input) => this.returnAtTill(id, input as TillReturnInput),
    }));
  }

  async listen(port = 0): Promise<{ baseUrl: string }> {
    if (this.server) throw new Error('MoySkladEmulator is already listening');
    const server = createServer(this.router);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.listening = true;
    const { port: actual } = server.address() as AddressInfo;
    this.core.setListeningBaseUrl(`http://127.0.0.1:${actual}${API_ROOT}`);
    return { baseUrl: this.core.publicBaseUrl() };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = false;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Base URL used in `meta.href` (the listening address once `listen()` resolved). */
  get baseUrl(): string {
    return this.core.publicBaseUrl();
  }

  get accountId(): string {
    return this.core.options.accountId;
  }

  /** Mutable fault-injection switches (see faults.ts). */
  get faults(): Faults {
    return this.core.faults;
  }

  set faults(value: Faults) {
    this.core.faults = value;
  }

  /** Every webhook attempt (and fault-dropped notification), in order. */
  get webhookLog(): readonly WebhookLogEntry[] {
    return this.core.dispatcher.log;
  }

  /** Resolves when all notifications scheduled so far are delivered, retried out or dropped. */
  webhooksSettled(): Promise<void> {
    return this.core.dispatcher.settled();
  }

  /** The effective (time-scaled) rate-limit window in ms. */
  get windowMs(): number {
    return this.limiter.windowMs;
  }

  /** Per-user request statistics keyed by login. */
  stats(): Record<string, UserRequestStats> {
    return this.limiter.stats();
  }

  /** Most requests of `login` accepted inside any one (scaled) window — must never exceed the limit. */
  maxAcceptedInWindow(login: string): number {
    return maxAcceptedInWindow(this.stats()[login]?.timeline ?? [], this.limiter.windowMs);
  }

  /** Loads plain МойСклад JSON without audit events or webhooks (README «Seed shape»). */
  load(seed: unknown): SeedCounts {
    return loadSeed(this.core, seed);
  }

  /** Empties the account (keeps users, tokens, webhooks log and statistics). */
  reset(): void {
    this.core.reset();
  }

  /**
   * Sandbox-only: another integration on this account (e.g. a website plugin signed in as its own МойСклад user)
   * registers webhooks through the API. They are listed by `GET /entity/webhook`, are delivered like any webhook, and
   * take slots of the «≤ 5 per (entityType, action)» limit — so a test can leave ours the 30007 answer. Same rules
   * as `POST /entity/webhook` (an `ApiError` is thrown for a refused one). Returns them API-shaped.
   */
  addForeignWebhooks(specs: ReadonlyArray<{ url: string; entityType: string; action: 'CREATE' | 'UPDATE' | 'DELETE'; diffType?: 'NONE' | 'FIELDS'; enabled?: boolean }>): Presented[] {
    return specs.map((spec) => absolutizeHrefs(createWebhook(this.core, spec), this.core.publicBaseUrl()) as Presented);
  }

  /** Sandbox-only: every token of a user stops working (e.g. a password change). */
  revokeTokens(login: string): void {
    this.accounts.revokeTokens(login);
  }

  /** API-shaped object with absolute hrefs (optionally expanded); throws for an unknown id. */
  get(type: string, id: string, expand?: string): Presented {
    const doc = this.core.store.get(type, id);
    if (!doc) throw new Error(`No ${type} ${id} in the emulator`);
    return this.output(type, doc, expand);
  }

  /** All objects of a type, API-shaped. */
  list(type: string): Presented[] {
    const cache = new Map<string, unknown>(); // computed fields (e.g. salesAmount) once per call, not per row
    return this.core.store.list(type).map((doc) => this.output(type, doc, undefined, cache));
  }

  sellAtTill(input: TillSaleInput): TillSaleResult {
    const outcome = sellAtTill(this.core, input, this.cashier());
    return {
      retaildemand: this.output('retaildemand', outcome.retaildemand, 'positions'),
      counterparty: this.output('counterparty', outcome.counterparty),
      pointsSpent: outcome.pointsSpent,
      pointsEarned: outcome.pointsEarned,
      bonusTransactions: outcome.bonusTransactions.map((tx) => this.output('bonustransaction', tx)),
    };
  }

  /**
   * A return at the till: the whole sale by default, or `{ positions: [{ positionId | assortmentId, quantity }] }`;
   * may be repeated until everything is returned (README «Till» for money and points).
   */
  returnAtTill(retaildemandId: string, input: TillReturnInput = {}): TillReturnResult {
    const outcome = returnAtTill(this.core, retaildemandId, this.cashier(), input);
    return {
      retailsalesreturn: this.output('retailsalesreturn', outcome.retailsalesreturn, 'positions'),
      counterparty: this.output('counterparty', outcome.counterparty),
      bonusTransactions: outcome.bonusTransactions.map((tx) => this.output('bonustransaction', tx)),
    };
  }

  private output(type: string, doc: Doc, expand?: string, cache = new Map<string, unknown>()): Presented {
    const presented = this.core.presenter.present(type, doc, parseExpand(expand), cache);
    return absolutizeHrefs(presented, this.core.publicBaseUrl()) as Presented;
  }

  /** Till and UI actions are attributed to the first administrator. */
  private cashier(): string {
    return (this.core.options.users.find((u) => u.isAdmin) ?? this.core.options.users[0]!).login;
  }
}
