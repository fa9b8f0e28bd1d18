import { AmoCrmEmulator } from '../amocrm/emulator.js';
import type { CustomersMode } from '../amocrm/options.js';
import { createAmoApiDataSource, createAmoApiWidgetStateStore, createHostRouter } from '../host/index.js';

/**
 * The amoCRM side of the stack: the emulator with one integration (ours) and the account `demo`, and (with a
 * widget archive) the amoCRM-like host page mounted under `{origin}/a/{subdomain}/`, which loads dist/widget.zip.
 */

export const SANDBOX_SUBDOMAIN = 'demo';
const SANDBOX_WIDGET_CODE = 'moysklad';
export const SANDBOX_AMO_ACCOUNT = {
  id: 31000001,
  subdomain: SANDBOX_SUBDOMAIN,
  name: 'Демо-аккаунт',
  // The admin has switched Customers on (dynamic segmentation), a documented precondition of the product.
  customersMode: 'segments',
  users: [
    { id: 5000001, name: 'Анна Админова', isAdmin: true },
    { id: 5000002, name: 'Михаил Менеджеров', isAdmin: false },
  ],
} as const;
export const SANDBOX_ADMIN_USER_ID = SANDBOX_AMO_ACCOUNT.users[0].id;

export interface AmoSideOptions {
  integration: { clientId: string; clientSecret: string };
  proxyUrl: string;
  /** Without it no host page is mounted (the bench calls the API only). */
  widgetZipPath?: string;
  port: number;
  /** The emulator's time scale (its install-hook timeout among others). Default 1. */
  timeScale?: number;
  /** amoCRM's real 7 requests/s; tests may raise it (the host page's own reads use UI tokens, exempt anyway). */
  rateLimit?: { perSecond: number; blockAfterViolations: number };
  logger?: { warn(details: object, message: string): void };
  /** The account's Customers mode (default `segments`, as an admin has set it up; `disabled` makes our connect switch it on). */
  customersMode?: CustomersMode;
  /** Whether amoCRM calls our revoke hook on uninstall (default true). */
  revokeHook?: boolean;
}

export async function startAmoSide(options: AmoSideOptions): Promise<AmoCrmEmulator> {
  const emulator = new AmoCrmEmulator({
    integration: {
      ...options.integration,
      redirectUri: `${options.proxyUrl}/amocrm/install`,
      ...(options.revokeHook === false ? {} : { revokeHookUrl: `${options.proxyUrl}/amocrm/revoke` }),
      widgetCode: SANDBOX_WIDGET_CODE,
    },
    accounts: [{ ...SANDBOX_AMO_ACCOUNT, ...(options.customersMode ? { customersMode: options.customersMode } : {}), users: SANDBOX_AMO_ACCOUNT.users.map((user) => ({ ...user })) }],
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.timeScale ? { timeScale: options.timeScale } : {}),
  });
  if (options.widgetZipPath) mountHostPage(emulator, options.widgetZipPath, options);
  await emulator.listen(options.port);
  return emulator;
}

function mountHostPage(emulator: AmoCrmEmulator, widgetZipPath: string, options: AmoSideOptions): void {
  // The page's reads are amoCRM's own web UI, not our integration: UI tokens keep them out of the
  // integration's 7 rps budget (as in amoCRM, where page loads do not count against an integration).
  const uiToken = (subdomain: string) => emulator.issueUiToken(subdomain);
  emulator.mountAccountRouter(
    createHostRouter({
      widgetZipPath,
      widgetCode: SANDBOX_WIDGET_CODE,
      integration: options.integration,
      proxyOrigin: options.proxyUrl,
      dataSource: (account) => createAmoApiDataSource({ baseUrl: emulator.accountBaseUrl(account.subdomain), accessToken: () => uiToken(account.subdomain) }),
      widgetState: createAmoApiWidgetStateStore({
        baseUrl: (subdomain) => emulator.accountBaseUrl(subdomain),
        accessToken: uiToken,
        widgetCode: SANDBOX_WIDGET_CODE,
      }),
      onInstall: async (subdomain, by) => void (await emulator.installWidget(subdomain, by)),
      onUninstall: async (subdomain) => void (await emulator.uninstallWidget(subdomain)),
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  );
}

/**
 * What an admin does in Settings → Integrations: saves the widget's settings (the manifest's required
 * `config` field, as the widget's onSave leaves it) and clicks Install, upon which amoCRM calls our
 * redirect URI with an authorization code.
 */
export async function installWidgetAsAdmin(emulator: AmoCrmEmulator): Promise<void> {
  const base = emulator.accountBaseUrl(SANDBOX_SUBDOMAIN);
  const response = await fetch(`${base}/api/v4/widgets/${SANDBOX_WIDGET_CODE}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await emulator.issueUiToken(SANDBOX_SUBDOMAIN, SANDBOX_ADMIN_USER_ID)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ config: '{"consent":1}' }),
  });
  if (!response.ok) throw new Error(`saving the widget settings in amoCRM answered ${response.status}`);
  const { call } = await emulator.installWidget(SANDBOX_SUBDOMAIN, { userId: SANDBOX_ADMIN_USER_ID });
  // amoCRM waits for the hook 3 s × its time scale (300 ms at the bench's ×10 compression), which the proxy's real
  // response time does not follow on a loaded machine; the proxy still gets the code and exchanges it. So a hook
  // timeout is not a failure: the caller awaits the installed state, which is what counts.
  if ((call.error !== null && call.error !== 'timeout') || (call.status !== null && call.status >= 400)) {
    throw new Error(`amoCRM's install call to the proxy failed: ${call.error ?? `HTTP ${call.status}`}`);
  }
}
