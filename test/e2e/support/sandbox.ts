import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AmoCrmEmulator } from '../../../sandbox/amocrm/emulator.js';
import { createAmoApiDataSource } from '../../../sandbox/host/amo-api-data-source.js';
import { createHostRouter } from '../../../sandbox/host/router.js';
import { createAmoApiWidgetStateStore } from '../../../sandbox/host/amo-api-widget-state-store.js';
import { seedCustomers, type SeededCustomer } from './amo-seed.js';

// Starts, in-process on 127.0.0.1:0, the amoCRM emulator with the host page mounted at
// {origin}/a/{subdomain}, and seeds customers through API v4. The proxy is not started here.

export const WIDGET_CODE = 'moysklad';
export const CLIENT_ID = '3b0c6a56-7d1e-4c55-9f5e-0a1b2c3d4e5f';
export const CLIENT_SECRET = 'e2e-integration-secret-0123456789abcdef';
/** Nothing listens here: the widget meets an unreachable proxy and shows its error state. */
export const ABSENT_PROXY_ORIGIN = 'http://127.0.0.1:9';

export type E2eSandbox = {
  origin: string;
  /** Account base URL, `{origin}/a/demo`. */
  base: string;
  customers: SeededCustomer[];
  emulator: AmoCrmEmulator;
  close(): Promise<void>;
};

export function requireWidgetZip(path = join(process.cwd(), 'dist', 'widget.zip')): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  return path;
}

export async function startE2eSandbox(options: {
  widgetZipPath: string;
  /** Widget settings to install with before the test (POST /api/v4/widgets/{code}); omit to start uninstalled. */
  installedWith?: Record<string, string>;
  proxyOrigin?: string;
}): Promise<E2eSandbox> {
  const emulator = new AmoCrmEmulator({
    integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${options.proxyOrigin ?? ABSENT_PROXY_ORIGIN}/amocrm/install`, widgetCode: WIDGET_CODE },
    accounts: [
      {
        id: 31000001, subdomain: 'demo', name: 'Демо-аккаунт', customersMode: 'segments',
        users: [{ id: 5000001, name: 'Анна Админова', isAdmin: true }, { id: 5000002, name: 'Михаил Менеджеров', isAdmin: false }],
      },
    ],
  });
  emulator.mountAccountRouter(
    createHostRouter({
      widgetZipPath: options.widgetZipPath,
      widgetCode: WIDGET_CODE,
      integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      proxyOrigin: options.proxyOrigin ?? ABSENT_PROXY_ORIGIN,
      // No `account`: the host acts as a user of the account the emulator resolved (`?user=<id>` switches).
      // The page's reads are amoCRM's own web UI: UI tokens, outside the integration's 7 rps budget and
      // not revoked when the integration is disabled.
      dataSource: (account) =>
        createAmoApiDataSource({ baseUrl: emulator.accountBaseUrl(account.subdomain), accessToken: () => emulator.issueUiToken(account.subdomain) }),
      // Install state and settings live in the emulator, read and written through API v4.
      widgetState: createAmoApiWidgetStateStore({
        baseUrl: (subdomain) => emulator.accountBaseUrl(subdomain),
        accessToken: (subdomain) => emulator.issueUiToken(subdomain),
        widgetCode: WIDGET_CODE,
      }),
      onInstall: async (subdomain, by) => void (await emulator.installWidget(subdomain, by)),
      onUninstall: async (subdomain) => void (await emulator.uninstallWidget(subdomain)),
    }),
  );
  const { origin } = await emulator.listen(0);
  const base = emulator.accountBaseUrl('demo');
  try {
    // Seeded as a user typing into amoCRM's UI would (a UI token), not by our integration.
    const token = await emulator.issueUiToken('demo');
    const customers = await seedCustomers(base, token);
    if (options.installedWith) await installThroughApi(base, token, options.installedWith);
    return { origin, base, customers, emulator, close: () => emulator.close() };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

async function installThroughApi(base: string, token: string, settings: Record<string, string>): Promise<void> {
  const response = await fetch(`${base}/api/v4/widgets/${WIDGET_CODE}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!response.ok) throw new Error(`installing the widget through API v4 answered ${response.status}`);
}
