import { z } from 'zod';
import type { WidgetInstallState, WidgetStateStore } from './types.js';

// Keeps the widget's install state and settings in amoCRM itself, through its public API
// (GET/POST /api/v4/widgets/{code}), so what the user saves in the modal is what the integration
// reads back with its token (https://www.amocrm.ru/developers/content/crm_platform/widgets-api).

const widgetSchema = z.object({
  is_active_in_account: z.boolean(),
  settings: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
});

export type AmoApiWidgetStateStoreOptions = {
  /** Account base URL for a subdomain, e.g. `http://127.0.0.1:PORT/a/demo`. */
  baseUrl: (subdomain: string) => string;
  /** An administrator's token of the integration (POST /widgets is admin-only). Never logged. */
  accessToken: (subdomain: string) => string | Promise<string>;
  widgetCode: string;
  fetch?: typeof fetch;
};

export function createAmoApiWidgetStateStore(options: AmoApiWidgetStateStoreOptions): WidgetStateStore {
  const doFetch = options.fetch ?? fetch;

  async function call(subdomain: string, method: 'GET' | 'POST', body?: unknown): Promise<WidgetInstallState> {
    const url = `${options.baseUrl(subdomain).replace(/\/+$/, '')}/api/v4/widgets/${options.widgetCode}`;
    const response = await doFetch(url, {
      method,
      headers: { Authorization: `Bearer ${await options.accessToken(subdomain)}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`amoCRM API ${method} /api/v4/widgets/${options.widgetCode} answered ${response.status}`);
    const parsed = widgetSchema.safeParse(await response.json());
    if (!parsed.success) throw new Error(`amoCRM API /api/v4/widgets answered an unexpected body: ${z.prettifyError(parsed.error)}`);
    const installed = parsed.data.is_active_in_account;
    // amoCRM answers `[]` for "no settings" (a PHP empty array); custom values may come back parsed.
    const raw = Array.isArray(parsed.data.settings) ? {} : (parsed.data.settings ?? {});
    const settings = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    return { status: installed ? 'installed' : 'install', active: installed, settings };
  }

  return {
    get: (subdomain) => call(subdomain, 'GET'),
    async set(subdomain, state) {
      // Disabling is not an API write here: amoCRM's "Отключить" revokes the integration's tokens
      // and calls its revoke hook, which the host's `onUninstall` hook lets the emulator do.
      if (state.status === 'installed') await call(subdomain, 'POST', state.settings);
    },
  };
}
