import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { AmoCrmEmulator } from '../../../sandbox/amocrm/emulator.js';
import { MoySkladEmulator } from '../../../sandbox/moysklad/emulator.js';
import { generateSeed, type SeedOptionsInput } from '../../../sandbox/seed/index.js';
import { loadConfig } from '../../config.js';
import { startProxy, type RunningProxy } from '../../server.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../../test-support/databases.js';
import { createSyncModule, type SyncModuleOptions } from '../module.js';

export const ACCOUNT_ID = 31000001;
export const SUBDOMAIN = 'demo';
const CLIENT_ID = 'b6a4c2d0-0000-4000-8000-000000000001';
const CLIENT_SECRET = 'sync-test-client-secret-0123456789abcdef';

export interface SyncHarness {
  ms: MoySkladEmulator;
  amo: AmoCrmEmulator;
  proxy: RunningProxy;
  sync: ReturnType<typeof createSyncModule>;
  database: TestDatabase;
  /** Resolves when `check` holds (polled), or throws with `what` after `timeoutMs`. */
  until(what: string, check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  seed?: SeedOptionsInput;
  sync?: SyncModuleOptions;
  /** Connect the account (tokens on both sides) right away. */
  connect?: boolean;
}

/**
 * The real proxy (its process entry minus the port), on a real SQLite file or PostgreSQL schema, against both
 * emulators over real HTTP, with limits time-compressed so a test takes seconds. The account is connected the
 * short way (a long-lived amoCRM token and a МойСклад token stored directly); the install flow has its own tests.
 */
export async function startSyncHarness(kind: DatabaseKind, options: HarnessOptions = {}): Promise<SyncHarness> {
  const ms = new MoySkladEmulator({ timeScale: 30 });
  const { baseUrl } = await ms.listen(0);
  ms.load(generateSeed({ buyers: 6, legalEntities: 2, entrepreneurs: 1, products: 5, sales: 6, baseUrl, ...options.seed }));
  const amo = new AmoCrmEmulator({
    integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: 'http://127.0.0.1:9/amocrm/install' },
    timeScale: 0.05,
  });
  const { origin } = await amo.listen(0);
  const database = await createTestDatabase(kind, { migrate: false });
  // PUBLIC_URL must be known before start (webhook URLs are built from it), so the port is picked first.
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AMOCRM_CLIENT_ID: CLIENT_ID,
    AMOCRM_CLIENT_SECRET: CLIENT_SECRET,
    AMOCRM_REDIRECT_URI: 'http://127.0.0.1:9/amocrm/install',
    AMOCRM_BASE_URL_TEMPLATE: `${origin}/a/{subdomain}`,
    MOYSKLAD_API_URL: baseUrl,
    LOG_LEVEL: 'silent',
    RECONCILE_INTERVAL_SECONDS: '3600',
  });
  let sync: ReturnType<typeof createSyncModule> | undefined;
  const proxy = await startProxy(
    config,
    (context) => {
      sync = createSyncModule(context, { schedulerTickMs: 50, amoTimeScale: 0.05, ...options.sync });
      return sync;
    },
    { workerPollIntervalMs: 20, drainMs: 2000 },
  );
  const until: SyncHarness['until'] = async (what, check, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  if (options.connect ?? true) {
    const { accounts } = proxy.context;
    await accounts.ensure(ACCOUNT_ID, SUBDOMAIN);
    await accounts.saveAmoTokens(ACCOUNT_ID, SUBDOMAIN, { accessToken: await amo.issueLongLivedToken(SUBDOMAIN, 86_400), refreshToken: null, expiresAt: null });
    const tokenAnswer = await fetch(`${baseUrl}/security/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('admin@demo:sandbox-password').toString('base64')}`, 'Accept-Encoding': 'gzip' },
    });
    const { access_token } = (await tokenAnswer.json()) as { access_token: string };
    await accounts.saveMoySkladConnection(ACCOUNT_ID, 'admin@demo', access_token);
  }

  return {
    ms,
    amo,
    proxy,
    sync: sync!,
    database,
    until,
    async close() {
      await proxy.close();
      await Promise.allSettled([ms.close(), amo.close()]);
      await database.dispose();
    },
  };
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
