import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

// amoCRM's disposable token ("одноразовый токен") that `self.$authorizedAjax` puts into X-Auth-Token.
// HS256 with the integration's client_secret; claims as in amo-docs oauth/disposable-tokens.

/** amo-docs shows exp − iat = 1800 s in its example; the lifetime is not stated as a rule (unconfirmed). */
export const DISPOSABLE_TOKEN_LIFETIME_SECONDS = 30 * 60;

export type DisposableTokenInput = {
  clientSecret: string;
  clientUuid: string;
  /** Account base URL, e.g. `https://demo.amocrm.ru` or `http://127.0.0.1:PORT/a/demo`. */
  issuer: string;
  /** Origin of the integration's redirect URI (our proxy). */
  audience: string;
  accountId: number;
  userId: number;
  subdomain: string;
  isAdmin: boolean;
  now?: Date;
};

export async function signDisposableToken(input: DisposableTokenInput): Promise<string> {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    account_id: input.accountId,
    user_id: input.userId,
    subdomain: input.subdomain,
    client_uuid: input.clientUuid,
    is_admin: input.isAdmin,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + DISPOSABLE_TOKEN_LIFETIME_SECONDS)
    .sign(new TextEncoder().encode(input.clientSecret));
}
