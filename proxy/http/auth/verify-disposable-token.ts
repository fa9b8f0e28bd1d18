import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import type { WidgetAuth } from '../../services/widget-auth.js';
import type { ReplayStore } from './replay-store.js';

/**
 * How we verify amoCRM's disposable tokens (X-Auth-Token, https://www.amocrm.ru/developers/content/oauth/disposable-tokens),
 * and why each rule is as strict as it is:
 *
 * - Signature HS256 with the integration secret (alg pinned), `aud` = our origin, `client_uuid` = our integration,
 *   `iss` = the account base URL of the token's own `subdomain`, nbf/exp with 30 s of clock skew.
 * - `account_id` is bound to that subdomain: once we know the account (install hook, first call), a token naming the
 *   account under another subdomain is refused. Account and user are taken from the token only.
 * - The accepted lifetime is capped: `exp − iat` (or `exp − nbf` without `iat`) may not exceed
 *   MAX_TOKEN_LIFETIME_SECONDS. amoCRM's documented example lives 1800 s; the lifetime is not stated as a rule, so the
 *   cap leaves room (1 h) while refusing a token minted to live for days.
 * - Replays: amoCRM calls the tokens "disposable" but does not document that `$authorizedAjax` mints a new one per
 *   request. Refusing every repeated `jti` would break a real widget if amoCRM reuses a token, so:
 *   reads (GET/HEAD) accept a token again within its lifetime — a replayed read shows the caller nothing its token
 *   did not already allow; state-changing calls (POST/PUT/PATCH/DELETE) record the `jti` and refuse it the second
 *   time, across processes (the replay store is a table). Those calls also carry an Idempotency-Key where a retry
 *   must be safe (bonus operations), so a legitimate retry sends a fresh token and the same key.
 */
const MAX_TOKEN_LIFETIME_SECONDS = 3600;


export type DisposableTokenOptions = {
  /** AMOCRM_CLIENT_SECRET: the HS256 key amoCRM signs X-Auth-Token with. */
  clientSecret: string;
  /** AMOCRM_CLIENT_ID: must equal the token's `client_uuid`. */
  clientId: string;
  /** Our PUBLIC_URL; the token's `aud` is its origin (scheme://host[:port]). */
  publicUrl: string;
  /** e.g. `https://{subdomain}.amocrm.ru` or, in the sandbox, `http://127.0.0.1:PORT/a/{subdomain}`. */
  baseUrlTemplate: string;
  replayStore: ReplayStore;
  /** The subdomain we have on record for an account (null when the account is not known yet). */
  accountSubdomain?: (accountId: number) => Promise<string | null>;
  /** Seconds of clock skew tolerated on nbf/exp/iat. */
  clockToleranceSeconds?: number;
  now?: () => Date;
};

export type TokenFailure = 'token_missing' | 'token_invalid' | 'token_expired' | 'token_replayed';
export type TokenCheck = { ok: true; auth: WidgetAuth } | { ok: false; failure: TokenFailure };

// Subdomains are DNS labels; anything else is refused before it is spliced into a URL.
const subdomainSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i);

const claimsSchema = z.object({
  iss: z.string(),
  jti: z.string().min(1).max(200),
  exp: z.number().int(),
  nbf: z.number().int(),
  iat: z.number().int().optional(),
  account_id: z.coerce.number().int().positive(),
  user_id: z.coerce.number().int().nonnegative(),
  subdomain: subdomainSchema,
  client_uuid: z.string(),
  // `is_admin` is read by amoCRM's PHP library but missing from the documented claim table
  // (https://www.amocrm.ru/developers/content/oauth/disposable-tokens), so it is optional here and its absence
  // means "not an admin".
  is_admin: z.union([z.boolean(), z.literal(1), z.literal(0), z.literal('1'), z.literal('0')]).optional(),
});

// One HMAC key per secret for the process: given raw bytes, jose imports a WebCrypto key on every verification
// (an extra thread-pool job and ~9 KB of garbage per widget request, issue 10).
const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    hmacKeys.set(secret, key);
  }
  return key;
}

export function renderAccountBaseUrl(template: string, subdomain: string): string {
  return template.replaceAll('{subdomain}', subdomain).replace(/\/+$/, '');
}

/**
 * Verifies an amoCRM disposable token (see the rules above). `stateChanging`: the call changes state, so the token's
 * `jti` is recorded and a repeat is refused.
 */
export async function verifyDisposableToken(
  token: string | undefined,
  options: DisposableTokenOptions,
  stateChanging = true,
): Promise<TokenCheck> {
  if (!token) return { ok: false, failure: 'token_missing' };
  if (token.length > 4096) return { ok: false, failure: 'token_invalid' };
  const now = options.now?.() ?? new Date();
  let payload: unknown;
  try {
    const result = await jwtVerify(token, await hmacKey(options.clientSecret), {
      // Pinned: `none`, RS256-with-secret-as-public-key and friends are all refused.
      algorithms: ['HS256'],
      // amoCRM documents `aud` as the redirect URI's scheme://host; whether it ever carries a trailing
      // slash is unconfirmed, so both spellings of our own origin are accepted (nothing else is).
      audience: [new URL(options.publicUrl).origin, `${new URL(options.publicUrl).origin}/`],
      clockTolerance: options.clockToleranceSeconds ?? 30,
      requiredClaims: ['exp', 'nbf', 'jti', 'iss'],
      currentDate: now,
    });
    payload = result.payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, failure: 'token_expired' };
    return { ok: false, failure: 'token_invalid' };
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return { ok: false, failure: 'token_invalid' };
  const c = claims.data;
  if (c.client_uuid !== options.clientId) return { ok: false, failure: 'token_invalid' };
  if (c.iss.replace(/\/+$/, '') !== renderAccountBaseUrl(options.baseUrlTemplate, c.subdomain)) {
    return { ok: false, failure: 'token_invalid' };
  }
  if (c.exp - (c.iat ?? c.nbf) > MAX_TOKEN_LIFETIME_SECONDS) return { ok: false, failure: 'token_invalid' };
  const known = await options.accountSubdomain?.(c.account_id);
  if (known && known.toLowerCase() !== c.subdomain.toLowerCase()) return { ok: false, failure: 'token_invalid' };
  if (stateChanging) {
    // Remember the id until the token could no longer pass the exp check anyway.
    const rememberUntil = new Date((c.exp + (options.clockToleranceSeconds ?? 30)) * 1000);
    if (!(await options.replayStore.remember(c.account_id, c.jti, rememberUntil))) {
      return { ok: false, failure: 'token_replayed' };
    }
  }
  const isAdmin = c.is_admin === true || c.is_admin === 1 || c.is_admin === '1';
  return {
    ok: true,
    auth: { accountId: c.account_id, userId: c.user_id, subdomain: c.subdomain.toLowerCase(), isAdmin },
  };
}
