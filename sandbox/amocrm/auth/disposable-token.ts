import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * The widget platform's one-time token (X-Auth-Token of `$authorizedAjax`), reference amocrm-widget.md §5:
 * HS256 with the integration's client_secret; `iss` = account URL, `aud` = scheme://host of the redirect URI.
 * The 30-minute lifetime is taken from the docs' example (unconfirmed as a rule).
 */
export interface DisposableTokenInput {
  accountBaseUrl: string;
  redirectUri: string;
  clientId: string;
  clientSecret: string;
  accountId: number;
  subdomain: string;
  userId: number;
  isAdmin: boolean;
  nowMs: number;
  ttlSec?: number;
}

export function signDisposableToken(input: DisposableTokenInput): Promise<string> {
  const nowSec = Math.floor(input.nowMs / 1000);
  return new SignJWT({ account_id: input.accountId, user_id: input.userId, subdomain: input.subdomain, client_uuid: input.clientId, is_admin: input.isAdmin })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(input.accountBaseUrl)
    .setAudience(new URL(input.redirectUri).origin)
    .setJti(randomUUID())
    .setIssuedAt(nowSec)
    .setNotBefore(nowSec)
    .setExpirationTime(nowSec + (input.ttlSec ?? 1800))
    .sign(new TextEncoder().encode(input.clientSecret));
}
