import type { AxiosInstance } from 'axios';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { exchangeCode, type OAuthClientCredentials } from '../amocrm/oauth.js';

// amoCRM's access token is a JWT carrying `account_id` (seen in amo tokens and the sandbox emulator; the
// claim list is not documented, so unconfirmed). We only read it from a token amoCRM just handed us over
// TLS, so its signature (amoCRM's key, not ours) is not ours to check.
const accessTokenClaims = z.looseObject({ account_id: z.coerce.number().int().positive() });

/**
 * The install hook's code exchange over proxy/amocrm's OAuth call: the token pair plus the amoCRM account it belongs
 * to, refused unless amoCRM handed over a refresh token and an expiry (without them the installation could not last).
 */
export class AmoCodeExchange {
  constructor(private readonly options: { credentials: OAuthClientCredentials; publicUrl?: string; http?: AxiosInstance; timeoutMs?: number }) {}

  /**
   * POST {accountBaseUrl}/oauth2/access_token (authorization_code grant). The base URL is rendered from our
   * configured template, never taken verbatim from the hook's `referer` (that would send our secret anywhere).
   */
  async exchangeCode(accountBaseUrl: string, code: string): Promise<{ accessToken: string; refreshToken: string; expiresAt: number; accountId: number }> {
    const tokens = await exchangeCode(code, {
      baseUrl: accountBaseUrl,
      credentials: this.options.credentials,
      ...(this.options.http ? { http: this.options.http } : {}),
      ...(this.options.publicUrl ? { publicUrl: this.options.publicUrl } : {}),
      timeoutMs: this.options.timeoutMs ?? 15_000,
    });
    if (!tokens.refreshToken || tokens.expiresAt === null) throw new Error('amoCRM answered the code exchange without a refresh token');
    const claims = accessTokenClaims.safeParse(decodeJwt(tokens.accessToken));
    if (!claims.success) throw new Error('amoCRM access token carries no account_id');
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, accountId: claims.data.account_id };
  }
}
