import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { vi } from 'vitest';
import { AmoCrmEmulator } from '../../../sandbox/amocrm/emulator.js';
import { MoySkladEmulator, type MoySkladEmulatorOptions } from '../../../sandbox/moysklad/emulator.js';
import { generateSeed, type SeedOptionsInput } from '../../../sandbox/seed/index.js';
import { loadConfig, type Config } from '../../config.js';
import { startProxy, type RunningProxy } from '../../server.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../../test-support/databases.js';
import { combineModules } from '../../compose.js';
import { createWidgetApiModule } from '../../http/routes/widget-api.js';
import { createSyncModule, type SyncModuleOptions } from '../module.js';
import { sweepAmoCatalog } from '../reconcile.js';

export const ACCOUNT_ID = 31000001;
export const SUBDOMAIN = 'demo';
const CLIENT_ID = 'b6a4c2d0-0000-4000-8000-000000000001';
const CLIENT_SECRET = 'sync-test-client-secret-0123456789abcdef';

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
 * emulators over real HTTP, with limits time-compressed so a test takes seconds. The account is connected the
 * short way (a long-lived amoCRM token and a МойСклад token stored directly); the install flow has its own tests.
 */
export async function startSyncHarness(kind: DatabaseKind, options: HarnessOptions = {}): Promise<SyncHarness> {
  const ms = new MoySkladEmulator({ timeScale: 30, ...options.moysklad });
  const { baseUrl } = await ms.listen(0);
  ms.load(generateSeed({ buyers: 6, legalEntities: 2, entrepreneurs: 1, products: 5, sales: 6, baseUrl, ...options.seed }));
  // PUBLIC_URL must be known before start (webhook URLs and the widget tokens' audience are built from it).
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/amocrm/install`;
  const amo = new AmoCrmEmulator({
    integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri },
    timeScale: options.amoTimeScale ?? 0.05,
  });
  const { origin } = await amo.listen(0);
  const database = await createTestDatabase(kind, { migrate: false });
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AMOCRM_CLIENT_ID: CLIENT_ID,
    AMOCRM_CLIENT_SECRET: CLIENT_SECRET,
    AMOCRM_REDIRECT_URI: redirectUri,
    AMOCRM_BASE_URL_TEMPLATE: `${options.amoOrigin ? await options.amoOrigin(origin) : origin}/a/{subdomain}`,
    MOYSKLAD_API_URL: baseUrl,
    LOG_LEVEL: 'silent',
    RECONCILE_INTERVAL_SECONDS: '3600',
  };
  const config = loadConfig(env);
  const proxies: RunningProxy[] = [];
  const boot = async (bootConfig: Config, syncOptions: SyncModuleOptions | undefined, drainMs: number) => {
    let sync: ReturnType<typeof createSyncModule> | undefined;
    const proxy = await startProxy(
      bootConfig,
      (context) => {
        // The production composition (proxy/compose.ts): the widget API beside the sync, with the sync kept at hand.
        sync = createSyncModule(context, { schedulerTickMs: 50, ...options.sync, ...syncOptions });
        return combineModules([createWidgetApiModule(context), sync]);
      },
      { workerPollIntervalMs: 20, drainMs, amo: { timeScale: options.amoTimeScale ?? 0.05, retry: { minBackoffMs: 50, maxBackoffMs: 3000 } } },
    );
    proxies.push(proxy);
    return { proxy, sync: sync! };
  };
  const first = await boot(config, undefined, options.drainMs ?? 2000);
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
    const tokenAnswer = await fetch(`${baseUrl}/security/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('admin@demo:sandbox-password').toString('base64')}`, 'Accept-Encoding': 'gzip' },
    });
    const { access_token } = (await tokenAnswer.json()) as { access_token: string };
    await accounts.saveMoySkladConnection(ACCOUNT_ID, 'admin@demo', access_token);
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
      const port = more.samePort ? config.PORT : await freePort();
      return boot({ ...config, PORT: port }, more.sync, more.drainMs ?? 2000);
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
      for (const proxy of proxies) await proxy.close();
      await Promise.allSettled([ms.close(), amo.close()]);
      await database.dispose();
    },
  };
  return harness;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
