import { createHmac } from 'node:crypto';

/**
 * The two calls amoCRM makes to the integration's server:
 * - install: GET redirect_uri?code&referer&from_widget=1&platform=1, 3 s timeout, status ignored, no retry;
 * - revoke:  GET revoke_hook?account_id&client_uuid&signature, signature = hex HMAC-SHA256(client_uuid|account_id, secret).
 */

export interface HookCall {
  url: string;
  status: number | null;
  error: string | null;
}

function revokeSignature(clientId: string, accountId: number, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(`${clientId}|${accountId}`).digest('hex');
}

export function installHookUrl(redirectUri: string, params: { code: string; referer: string }): string {
  const url = new URL(redirectUri);
  url.searchParams.set('code', params.code);
  url.searchParams.set('referer', params.referer);
  url.searchParams.set('from_widget', '1');
  url.searchParams.set('platform', '1');
  return url.toString();
}

export function revokeHookUrl(hookUrl: string, params: { accountId: number; clientId: string; clientSecret: string }): string {
  const url = new URL(hookUrl);
  url.searchParams.set('account_id', String(params.accountId));
  url.searchParams.set('client_uuid', params.clientId);
  url.searchParams.set('signature', revokeSignature(params.clientId, params.accountId, params.clientSecret));
  return url.toString();
}

/** One GET, no retry; the answer's status is reported but amoCRM itself does not act on it. */
export async function callHook(url: string, timeoutMs: number): Promise<HookCall> {
  try {
    const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    return { url, status: response.status, error: null };
  } catch (error) {
    const message = error instanceof Error ? (error.name === 'TimeoutError' ? 'timeout' : error.message) : String(error);
    return { url, status: null, error: message };
  }
}
