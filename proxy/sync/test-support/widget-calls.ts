import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCOUNT_ID, SUBDOMAIN, type SyncHarness } from './sync-harness.js';

/**
 * Test support: calls the harness proxy's widget API as the widget does, with an amoCRM disposable token signed by
 * the integration secret (the harness must be started with `widgetApi: true`).
 */
export async function widgetCall(h: SyncHarness, method: string, path: string, options: { admin?: boolean; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; json: any }> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    iss: h.config.AMOCRM_BASE_URL_TEMPLATE.replace('{subdomain}', SUBDOMAIN),
    aud: new URL(h.config.PUBLIC_URL).origin,
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 600,
    account_id: ACCOUNT_ID,
    user_id: 501,
    subdomain: SUBDOMAIN,
    client_uuid: h.config.AMOCRM_CLIENT_ID,
    is_admin: options.admin ?? true,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(h.config.AMOCRM_CLIENT_SECRET));
  const headers: Record<string, string> = { ...options.headers, 'X-Auth-Token': token, 'Accept-Language': 'en' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${h.config.PUBLIC_URL}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}
