import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

/**
 * The one signer of amoCRM's disposable token ("одноразовый токен", the X-Auth-Token of the widget's
 * `$authorizedAjax`): the amoCRM emulator, the sandbox host page, the widget API tests, the bench and
 * the resilience suite all sign with it, so a change to the claims is made once.
 * HS256 with the integration's client_secret; `iss` = account base URL, `aud` = origin of the
 * integration's redirect URI; claims as on https://www.amocrm.ru/developers/content/oauth/disposable-tokens
 */

/** The docs' example shows exp − iat = 1800 s; the lifetime is not stated as a rule (unconfirmed). */
export const DISPOSABLE_TOKEN_LIFETIME_SECONDS = 30 * 60;

export interface DisposableTokenInput {
  clientSecret: string;
  /** The integration's id, the token's `client_uuid`. */
  clientId: string;
  /** Account base URL, e.g. `https://demo.amocrm.ru` or `http://127.0.0.1:PORT/a/demo`. */
  issuer: string;
  /** Origin of the integration's redirect URI (our proxy). Taken as given: refusal tests send a wrong one. */
  audience: string;
  accountId: number;
  userId: number;
  subdomain: string;
  /** Left out of the claims when undefined: it is not in amoCRM's documented claim list. */
  isAdmin?: boolean | undefined;
  /** Clock of the signer (emulators run on their own clock); the wall clock by default. */
  now?: Date;
  lifetimeSec?: number;
  /** Overrides of the registered claims, for tests of tokens the proxy must refuse (replayed, expired, early). */
  override?: { jti?: string; iat?: number; nbf?: number; exp?: number };
}

/** The payload amoCRM puts in the token, registered claims included. */
function disposableTokenClaims(input: DisposableTokenInput): JWTPayload {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const payload: JWTPayload = {
    iss: input.issuer,
    aud: input.audience,
    jti: input.override?.jti ?? randomUUID(),
    iat: input.override?.iat ?? issuedAt,
    nbf: input.override?.nbf ?? issuedAt,
    exp: input.override?.exp ?? issuedAt + (input.lifetimeSec ?? DISPOSABLE_TOKEN_LIFETIME_SECONDS),
    account_id: input.accountId,
    user_id: input.userId,
    subdomain: input.subdomain,
    client_uuid: input.clientId,
  };
  if (input.isAdmin !== undefined) payload.is_admin = input.isAdmin;
  return payload;
}

const HEADER = { alg: 'HS256', typ: 'JWT' } as const;

export function signDisposableToken(input: DisposableTokenInput): Promise<string> {
  return new SignJWT(disposableTokenClaims(input)).setProtectedHeader(HEADER).sign(new TextEncoder().encode(input.clientSecret));
}

/**
 * The same token signed synchronously (jose signs only asynchronously): autocannon's `setupRequest` is
 * synchronous and every bench request needs a fresh `jti`, since the proxy refuses replays.
 * disposable-token.test.ts checks that jose verifies it and reads the same claims.
 */
export function signDisposableTokenSync(input: DisposableTokenInput): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(HEADER)}.${encode(disposableTokenClaims(input))}`;
  return `${signingInput}.${createHmac('sha256', input.clientSecret).update(signingInput).digest('base64url')}`;
}
