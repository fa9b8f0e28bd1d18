import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { AmoAuthError, AmoError, AmoResponseShapeError } from './errors.js';
import { amoHttp } from './http.js';
import type { AmoTokens } from './token-store.js';

export const DEFAULT_BASE_URL_TEMPLATE = 'https://{subdomain}.amocrm.ru';
const SUBDOMAIN_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/i;

/** Renders the account's base URL. The subdomain is checked so that it cannot change the host we talk to. */
export function accountBaseUrl(template: string, subdomain: string): string {
  if (!SUBDOMAIN_PATTERN.test(subdomain)) throw new RangeError(`not an amoCRM subdomain: ${JSON.stringify(subdomain)}`);
  if (!template.includes('{subdomain}')) throw new RangeError('base URL template must contain {subdomain}');
  return template.replaceAll('{subdomain}', subdomain).replace(/\/+$/, '');
}

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Must match the integration settings exactly. */
  redirectUri: string;
}

export interface OAuthCallOptions {
  baseUrl: string;
  credentials: OAuthClientCredentials;
  /** The amoCRM instance (createAmoHttp); the process's shared one by default. */
  http?: AxiosInstance;
  /** Our public origin, for the User-Agent of the shared instance. */
  publicUrl?: string;
  now?: () => number;
  timeoutMs?: number;
}

export const tokenResponseSchema = z.looseObject({
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  server_time: z.number().optional(),
});

async function tokenCall(body: Record<string, string>, options: OAuthCallOptions): Promise<AmoTokens> {
  const url = `${options.baseUrl}/oauth2/access_token`;
  const http = options.http ?? amoHttp(options.publicUrl);
  // No answer at all becomes AmoNetworkError in the instance's interceptor (amocrm/http.ts).
  const response = await http.request<string>({ method: 'POST', url, data: body, timeout: options.timeoutMs ?? 30_000 });
  const requestId = response.headers['x-request-id'] as string | undefined;
  if (response.status === 400 || response.status === 401) {
    // Reused/expired refresh token, wrong code or revoked integration. The body may echo hints; keep only the status.
    throw new AmoAuthError(`amoCRM refused the token request (HTTP ${response.status})`, { status: response.status, method: 'POST', url, requestId });
  }
  if (response.status < 200 || response.status >= 300) {
    throw new AmoError(`amoCRM token endpoint failed with HTTP ${response.status}`, { status: response.status, method: 'POST', url, requestId });
  }
  let json: unknown;
  try {
    json = JSON.parse(String(response.data));
  } catch (cause) {
    throw new AmoResponseShapeError('token answer is not JSON', { method: 'POST', url, cause, issues: [] });
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) throw new AmoResponseShapeError('unexpected token answer', { method: 'POST', url, issues: parsed.error.issues });
  const now = (options.now ?? Date.now)();
  return { accessToken: parsed.data.access_token, refreshToken: parsed.data.refresh_token, expiresAt: now + parsed.data.expires_in * 1000 };
}

/** Install: trade the 20-minute authorization code for the first token pair. */
export function exchangeCode(code: string, options: OAuthCallOptions): Promise<AmoTokens> {
  const { clientId, clientSecret, redirectUri } = options.credentials;
  return tokenCall({ client_id: clientId, client_secret: clientSecret, grant_type: 'authorization_code', code, redirect_uri: redirectUri }, options);
}

/** Rotates the pair. The old refresh token dies with this call: store the result before anything else. */
export function refreshTokens(refreshToken: string, options: OAuthCallOptions): Promise<AmoTokens> {
  const { clientId, clientSecret, redirectUri } = options.credentials;
  return tokenCall({ client_id: clientId, client_secret: clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken, redirect_uri: redirectUri }, options);
}
