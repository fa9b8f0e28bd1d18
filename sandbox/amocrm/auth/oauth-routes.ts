import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { OAuthProblem } from '../http/problem.js';
import type { ResolvedOptions } from '../options.js';
import type { AccountState } from '../state/account-state.js';
import type { Grant, TokenRegistry } from './token-registry.js';

/** POST {base}/oauth2/access_token — code exchange and single-use refresh. */

const tokenRequestSchema = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('authorization_code'), client_id: z.string(), client_secret: z.string(), code: z.string().min(1), redirect_uri: z.string() }),
  z.object({ grant_type: z.literal('refresh_token'), client_id: z.string(), client_secret: z.string(), refresh_token: z.string().min(1), redirect_uri: z.string() }),
]);

export function oauthRouter(deps: { integration: ResolvedOptions['integration']; tokens: TokenRegistry; faults: RequestHandler }): Router {
  const router = Router();
  // amoCRM documents a JSON body; form-encoded bodies are accepted too, as OAuth servers usually do.
  router.use(express.json(), express.urlencoded({ extended: false }));

  router.post('/access_token', deps.faults, async (req, res) => {
    const account = res.locals['account'] as AccountState;
    const parsed = tokenRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || 'grant_type').join(', ');
      throw new OAuthProblem(400, 'Check the "grant_type" parameter', `Invalid request: ${fields}`);
    }
    const body = parsed.data;
    const { integration } = deps;
    if (body.client_id !== integration.clientId || body.client_secret !== integration.clientSecret) {
      throw new OAuthProblem(401, 'Client authentication failed', 'Client authentication failed');
    }
    if (body.redirect_uri !== integration.redirectUri) {
      throw new OAuthProblem(400, 'redirect_uri does not match the one registered for the integration', 'Invalid redirect_uri');
    }
    const subdomain = account.data.subdomain;
    const grant: Grant | { error: string } =
      body.grant_type === 'authorization_code' ? deps.tokens.consumeCode(body.code, subdomain) : deps.tokens.consumeRefreshToken(body.refresh_token, subdomain);
    if ('error' in grant) {
      // A reused refresh token is a 401 "Token has been revoked" (amocrm-api-php#123); bad codes are 400.
      const status = body.grant_type === 'refresh_token' ? 401 : 400;
      throw new OAuthProblem(status, grant.error, body.grant_type === 'refresh_token' ? 'Unauthorized' : 'Invalid authorization code');
    }
    const pair = await deps.tokens.issuePair(grant, req.get('host') ?? '127.0.0.1');
    res.status(200).json(pair);
  });

  return router;
}

/**
 * `GET {api_domain}/oauth2/account/current/subdomain` with `X-Refresh-Token`: where the account lives now
 * (https://www.amocrm.ru/developers/content/oauth/account-subdomain-info). Served at the emulator origin because `api_domain` is `127.0.0.1:PORT`; `domain` is the
 * account address in the same form as the install `referer`.
 */
export function subdomainLookupRouter(deps: { tokens: TokenRegistry; accountById: (id: number) => AccountState | undefined }): Router {
  const router = Router();
  router.get('/oauth2/account/current/subdomain', (req, res) => {
    const grant = deps.tokens.peekRefreshToken(req.get('x-refresh-token') ?? '');
    const account = grant ? deps.accountById(grant.accountId) : undefined;
    if (!account) throw new OAuthProblem(401, 'Token has been revoked', 'Unauthorized');
    res.json({ id: account.data.id, subdomain: account.data.subdomain, domain: `${req.get('host')}/a/${account.data.subdomain}`, top_level_domain: 'ru' });
  });
  return router;
}
