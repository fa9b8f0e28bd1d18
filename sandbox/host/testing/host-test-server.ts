import { mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createHostRouter } from '../router.js';
import type { HostAccount, HostDataSource, HostRouterOptions, WidgetInstallState } from '../types.js';
import { createMemoryWidgetStateStore } from '../widget-state-store.js';
import { buildFixtureWidgetZip } from './fixture-widget.js';
import { createMemoryDataSource } from './memory-data-source.js';

// Starts the host router alone on 127.0.0.1:0, mounted at /a/demo like the amoCRM emulator does.

export const TEST_SECRET = 'fixture-client-secret-0123456789';
export const TEST_CLIENT_ID = '7f1c3b7e-0000-4000-8000-000000000001';

export function testAccount(overrides: Partial<HostAccount> = {}): HostAccount {
  return {
    id: 31000001,
    subdomain: 'demo',
    name: 'Демо-аккаунт',
    currentUser: { id: 5000001, name: 'Анна Админова', email: 'anna@example.com', isAdmin: true },
    ...overrides,
  };
}

export type HostTestServer = { origin: string; base: string; zipPath: string; close(): Promise<void> };

export async function startHostTestServer(
  options: {
    zip?: Uint8Array | null;
    account?: HostAccount;
    dataSource?: HostDataSource;
    initialState?: WidgetInstallState;
    proxyOrigin?: string;
    hooks?: Pick<HostRouterOptions, 'onInstall' | 'onUninstall' | 'logger'>;
  } = {},
): Promise<HostTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'host-test-'));
  const zipPath = join(dir, 'widget.zip');
  if (options.zip !== null) await writeFile(zipPath, options.zip ?? buildFixtureWidgetZip());
  const app = express();
  const dataSource = options.dataSource ?? createMemoryDataSource();
  app.use(
    '/a/demo',
    createHostRouter({
      widgetZipPath: zipPath,
      integration: { clientId: TEST_CLIENT_ID, clientSecret: TEST_SECRET },
      proxyOrigin: options.proxyOrigin ?? 'http://127.0.0.1:9',
      account: options.account ?? testAccount(),
      dataSource: () => dataSource,
      widgetState: createMemoryWidgetStateStore(options.initialState),
      ...options.hooks,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    base: `${origin}/a/demo`,
    zipPath,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
