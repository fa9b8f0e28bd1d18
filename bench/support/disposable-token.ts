import { signDisposableTokenSync } from '../../sandbox/amocrm/auth/disposable-token.js';

/** Who the bench's widget calls come from; also sent to card-server.ts to configure the proxy the same way. */
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

/** A fresh token per call (the proxy refuses a replayed `jti`), synchronous for autocannon's `setupRequest`. */
export function signDisposableToken(party: TokenParty): string {
  return signDisposableTokenSync({
    clientId: party.clientId,
    clientSecret: party.clientSecret,
    issuer: party.baseUrlTemplate.replace('{subdomain}', party.subdomain),
    audience: new URL(party.publicUrl).origin,
    accountId: party.accountId,
    userId: party.userId,
    subdomain: party.subdomain,
    isAdmin: party.isAdmin,
  });
}
