import { vi } from 'vitest';
import type { AmoCrmEmulator } from '../../../sandbox/amocrm/emulator.js';
import type { MoySkladEmulator, MoySkladEmulatorOptions } from '../../../sandbox/moysklad/emulator.js';
import { SANDBOX_MOYSKLAD_LOGIN, SANDBOX_MOYSKLAD_PASSWORD } from '../../../sandbox/orchestrator/moysklad-side.js';
import { startStack } from '../../../sandbox/orchestrator/stack.js';
import type { SeedOptionsInput } from '../../../sandbox/seed/index.js';
import { loadConfig, type Config } from '../../config.js';
import type { RunningProxy } from '../../server.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../../test-support/databases.js';
import { combineModules } from '../../compose.js';
import { createWidgetApiModule } from '../../http/routes/widget-api.js';
import { createSyncModule, type SyncModuleOptions } from '../module.js';
import { sweepAmoCatalog } from '../reconcile.js';

export const ACCOUNT_ID = 31000001;
export const SUBDOMAIN = 'demo';

export interface SyncHarness {
  ms: MoySkladEmulator;
  amo: AmoCrmEmulator;
  /** The first proxy (its port is PUBLIC_URL, so МойСклад webhooks go here). */
  proxy: RunningProxy;
  sync: ReturnType<typeof createSyncModule>;
  database: TestDatabase;
  config: Config;
  /** The environment the config was loaded from (e.g. for the sync CLI). */
  env: Record<string, string>;
  /** Resolves when `check` holds (polled), or throws with `what` after `timeoutMs`. */
  until(what: string, check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** Stores both sides' tokens for the account (the short way); the scheduler then connects it. */
  connect(): Promise<void>;
  /**
   * Starts one more proxy process on the same database with the sync module. `samePort` reuses PUBLIC_URL's port
   * (the first proxy must be closed), so webhooks reach the new one. Closed by close().
   */
  startProxy(options?: { samePort?: boolean; drainMs?: number; sync?: SyncModuleOptions }): Promise<{ proxy: RunningProxy; sync: ReturnType<typeof createSyncModule> }>;
  /**
   * The import is done and the scheduler's first reconciliation (due right after it) has run: from here on only
   * the test's own actions (or its later ticks) cause work.
   */
  settle(): Promise<void>;
  /** Resolves when the initial import state is `done`. */
  importDone(timeoutMs?: number): Promise<void>;
  /** Resolves when the account has no waiting or running job (after МойСклад's webhooks were delivered). */
  queueIdle(timeoutMs?: number): Promise<void>;
  /** Time passes for the queue: jobs waiting out a retry backoff become due now (backoff is not time-scaled). */
  fastForwardRetries(): Promise<void>;
  /**
   * Runs the amoCRM catalog sweep now (amoCRM documents no webhook for deleted catalog elements: the sweep is how
   * deletions made in amoCRM are found).
   */
  sweepCatalog(): Promise<{ deleted: number; skipped: boolean }>;
  /** Calls the widget API as the widget does (a fresh amoCRM disposable token of `userId`, default the admin). */
  widget(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; userId?: number }): Promise<{ status: number; json: any }>;
  /** Links of one kind: МойСклад id → amoCRM id. */
  links(kind: string): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  seed?: SeedOptionsInput;
  /** amoCRM's one-second window scaled for the emulator and the client alike (default 0.05: 140 calls/s). */
  amoTimeScale?: number;
  sync?: SyncModuleOptions;
  /** Connect the account (tokens on both sides) right away. */
  connect?: boolean;
  drainMs?: number;
  /**
   * Where the proxy reaches amoCRM, given the emulator's origin (default: the emulator itself). A test may put a
   * relay in between, e.g. to answer with a shape amoCRM's documentation does not print.
   */
  amoOrigin?: (emulatorOrigin: string) => Promise<string>;
  /** МойСклад emulator options (e.g. a free tariff without webhooks, a user without admin rights). */
  moysklad?: Omit<MoySkladEmulatorOptions, 'timeScale'>;
}

/**
 * The real proxy (its process entry minus the port), on a real SQLite file or PostgreSQL schema, against both
 * emulators over real HTTP, with limits time-compressed so a test takes seconds: the one stack builder
 * (sandbox/orchestrator/stack.ts) on a test database, with the production modules and the sync module kept at hand.
 * The account is connected the short way (a long-lived amoCRM token and a МойСклад token stored directly); the
 * install flow has its own tests.
 */
export async function startSyncHarness(kind: DatabaseKind, options: HarnessOptions = {}): Promise<SyncHarness> {
  const database = await createTestDatabase(kind, { migrate: false });
  const amoTimeScale = options.amoTimeScale ?? 0.05;
  // The production composition (proxy/compose.ts): the widget API beside the sync, with the sync kept at hand.
  const composeKeeping = (syncOptions: SyncModuleOptions | undefined) => {
    const built: { sync?: ReturnType<typeof createSyncModule> } = {};
    const compose = (context: Parameters<typeof createSyncModule>[0]) => {
      built.sync = createSyncModule(context, { schedulerTickMs: 50, ...options.sync, ...syncOptions });
      return combineModules([createWidgetApiModule(context), built.sync]);
    };
    return { compose, built };
  };
  const firstModules = composeKeeping(undefined);
  const stack = await startStack({
    databaseUrl: database.url,
    seed: { buyers: 6, legalEntities: 2, entrepreneurs: 1, products: 5, sales: 6, ...options.seed },
    moyskladTimeScale: 30,
    ...(options.moysklad ? { moysklad: options.moysklad } : {}),
    amoTimeScale,
    // The emulator's account as amoCRM gives it: Customers off until our connect switches them on; no revoke hook.
    amoCustomersMode: 'disabled',
    amoRevokeHook: false,
    ...(options.amoOrigin ? { amoOrigin: options.amoOrigin } : {}),
    proxyAmo: { timeScale: amoTimeScale, retry: { minBackoffMs: 50, maxBackoffMs: 3000 } },
    compose: firstModules.compose,
    proxies: 1,
    drainMs: options.drainMs ?? 2000,
    workerPollIntervalMs: 20,
    logLevel: 'silent',
    proxyEnv: { RECONCILE_INTERVAL_SECONDS: '3600' },
  }).catch(async (error: unknown) => {
    await database.dispose();
    throw error;
  });
  const { ms, amo } = stack;
  const env = stack.proxyEnv(stack.proxyPort);
  const config = loadConfig(env);
  const first = { proxy: stack.proxies[0]!, sync: firstModules.built.sync! };
  const boot = async (port: number, syncOptions: SyncModuleOptions | undefined, drainMs: number) => {
    const modules = composeKeeping(syncOptions);
    const proxy = await stack.addProxy(port, { compose: modules.compose, drainMs });
    return { proxy, sync: modules.built.sync! };
  };
  const until: SyncHarness['until'] = async (what, check, timeoutMs = 20_000) => {
    await vi.waitFor(
      async () => {
        if (!(await check())) throw new Error(`timed out waiting for: ${what}`);
      },
      { timeout: timeoutMs, interval: 50 },
    );
  };
  const db = database.db;

  const connect = async () => {
    const accounts = first.proxy.context.accounts;
    await accounts.ensure(ACCOUNT_ID, SUBDOMAIN);
    await accounts.saveAmoTokens(ACCOUNT_ID, SUBDOMAIN, { accessToken: await amo.issueLongLivedToken(SUBDOMAIN, 86_400), refreshToken: null, expiresAt: null });
    const tokenAnswer = await fetch(`${stack.moyskladApiUrl}/security/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${SANDBOX_MOYSKLAD_LOGIN}:${SANDBOX_MOYSKLAD_PASSWORD}`).toString('base64')}`, 'Accept-Encoding': 'gzip' },
    });
    const { access_token } = (await tokenAnswer.json()) as { access_token: string };
    await accounts.saveMoySkladConnection(ACCOUNT_ID, SANDBOX_MOYSKLAD_LOGIN, access_token);
  };
  if (options.connect ?? true) await connect();

  const harness: SyncHarness = {
    ms,
    amo,
    proxy: first.proxy,
    sync: first.sync,
    database,
    config,
    env,
    until,
    connect,
    async startProxy(more = {}) {
      return boot(more.samePort ? config.PORT : 0, more.sync, more.drainMs ?? 2000);
    },
    async importDone(timeoutMs = 30_000) {
      await until(
        'initial import done',
        async () => {
          const row = await db.selectFrom('account_sync').select('import_state').where('account_id', '=', ACCOUNT_ID).executeTakeFirst();
          return row?.import_state === 'done';
        },
        timeoutMs,
      );
    },
    async queueIdle(timeoutMs = 20_000) {
      await ms.webhooksSettled();
      await amo.webhooksIdle();
      await until(
        'sync queue idle',
        async () => {
          const busy = await db.selectFrom('jobs').select('id').where('account_id', '=', ACCOUNT_ID).where('state', 'in', ['available', 'running']).executeTakeFirst();
          return busy === undefined;
        },
        timeoutMs,
      );
    },
    async settle() {
      await harness.importDone();
      await until('first reconciliation done', async () => {
        const row = await db.selectFrom('jobs').select('id').where('kind', '=', 'sync.reconcile').where('state', '=', 'completed').executeTakeFirst();
        return row !== undefined;
      });
      await harness.queueIdle();
    },
    async fastForwardRetries() {
      const now = Date.now();
      await db.updateTable('jobs').set({ run_at: now }).where('state', '=', 'available').where('run_at', '>', now).execute();
      first.proxy.context.queue.nudge();
    },
    async widget(method, path, more = {}) {
      const token = await amo.issueDisposableToken(SUBDOMAIN, more.userId ?? 5000001);
      const answer = await fetch(`${config.PUBLIC_URL}${path}`, {
        method,
        headers: { 'X-Auth-Token': token, Accept: 'application/json', ...(more.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...more.headers },
        ...(more.body === undefined ? {} : { body: JSON.stringify(more.body) }),
      });
      const text = await answer.text();
      return { status: answer.status, json: text ? JSON.parse(text) : null };
    },
    async sweepCatalog() {
      return sweepAmoCatalog(await first.sync.engine.context(ACCOUNT_ID, { lane: 'bulk' }));
    },
    async links(kind) {
      const rows = await db.selectFrom('links').select(['moysklad_id', 'amo_id']).where('account_id', '=', ACCOUNT_ID).where('kind', '=', kind as never).execute();
      return new Map(rows.map((row) => [row.moysklad_id, Number(row.amo_id)]));
    },
    async close() {
      await stack.close();
      await database.dispose();
    },
  };
  return harness;
}

