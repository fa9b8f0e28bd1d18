import { createHmac, randomUUID } from 'node:crypto';

/** What amoCRM puts in a widget's X-Auth-Token (amocrm-widget.md §5). */
export interface TokenParty {
  clientId: string;
  clientSecret: string;
  /** Our PUBLIC_URL: the token's `aud` is its origin. */
  publicUrl: string;
  /** `{origin}/a/{subdomain}` style template; `iss` is it rendered with the subdomain. */
  baseUrlTemplate: string;
  accountId: number;
  userId: number;
  subdomain: string;
  isAdmin?: boolean;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * HS256 signed synchronously with node:crypto (not jose) because autocannon's `setupRequest` is synchronous
 * and every request needs a fresh `jti`: the proxy refuses replays.
 */
export function signDisposableToken(party: TokenParty): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64(
    JSON.stringify({
      iss: party.baseUrlTemplate.replace('{subdomain}', party.subdomain),
      aud: new URL(party.publicUrl).origin,
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 1800,
      account_id: party.accountId,
      user_id: party.userId,
      subdomain: party.subdomain,
      client_uuid: party.clientId,
      ...(party.isAdmin === undefined ? {} : { is_admin: party.isAdmin }),
    }),
  );
  const signature = createHmac('sha256', party.clientSecret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
