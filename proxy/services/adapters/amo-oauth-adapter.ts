import type { AxiosInstance } from 'axios';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { exchangeCode, type OAuthClientCredentials } from '../../amocrm/oauth.js';
import type { AmoOAuthPort } from '../ports.js';

// amoCRM's access token is a JWT carrying `account_id` (seen in amo tokens and the sandbox emulator; the
// claim list is not documented, so unconfirmed). We only read it from a token amoCRM just handed us over
// TLS, so its signature (amoCRM's key, not ours) is not ours to check.
const accessTokenClaims = z.looseObject({ account_id: z.coerce.number().int().positive() });

/** AmoOAuthPort over proxy/amocrm's OAuth calls. */
export class AmoOAuthAdapter implements AmoOAuthPort {
  constructor(private readonly options: { credentials: OAuthClientCredentials; publicUrl?: string; http?: AxiosInstance; timeoutMs?: number }) {}

  async exchangeCode(accountBaseUrl: string, code: string) {
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
