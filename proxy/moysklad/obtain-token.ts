import { tokenResponseSchema } from './schemas/entities.js';
import { MoySkladTransport, type MoySkladTransportOptions } from './transport.js';

/** The transport's options minus the credentials (Basic auth from the login/password) and the 401 hook. */
export type ObtainTokenOptions = Pick<MoySkladTransportOptions, 'limiter' | 'publicUrl' | 'baseUrl' | 'http' | 'logger' | 'sleep' | 'retryPolicy' | 'timeoutMs'>;

/**
 * Exchanges login/password for a Bearer token: the ONLY call that uses Basic auth. Call it once per connection
 * (when the admin connects): every call revokes the user's earlier tokens, so a second process calling it would
 * log the first one out. A 401 here throws MoySkladAuthError (wrong credentials) without any `onAuthLost`.
 * The password is used for this request only and is never stored or logged.
 */
export async function obtainToken(login: string, password: string, options: ObtainTokenOptions): Promise<string> {
  const transport = new MoySkladTransport({ ...options, auth: { type: 'basic', login, password } });
  // A retried token request is harmless: it just revokes the token we never received.
  const body = await transport.request({ method: 'POST', path: '/security/token', schema: tokenResponseSchema, idempotent: true });
  return body.access_token;
}
