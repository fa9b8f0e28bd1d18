import type { WidgetParams } from '../sdk/types.js';

// Replaced by Vite `define` from the WIDGET_PROXY_URL environment variable at build time
// (vite.config.ts). Absent in unit tests, hence the typeof guard.
declare const __MSK_PROXY_URL__: string | undefined;

export const DEFAULT_PROXY_URL = 'https://moysklad-amo.example.com';

/**
 * Where our proxy lives. Order: `self.params.proxy_url` (a runtime override: the sandbox host page
 * passes its proxy origin this way; unconfirmed that real amoCRM ever sets it, so it is optional),
 * then the build-time constant, then the default.
 */
export function resolveProxyUrl(params: WidgetParams | undefined): string {
  const candidates = [params?.proxy_url, typeof __MSK_PROXY_URL__ === 'string' ? __MSK_PROXY_URL__ : undefined];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && isHttpUrl(candidate)) return candidate.replace(/\/+$/, '');
  }
  return DEFAULT_PROXY_URL;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
