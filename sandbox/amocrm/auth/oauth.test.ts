import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../emulator.js';
import { INTEGRATION, apiClient, manualClock } from '../test-support.js';

describe('OAuth 2 of the amoCRM emulator', () => {
  const clock = manualClock();
  let emu: AmoCrmEmulator;
  afterEach(async () => emu.close());

  async function start(options: { accessTokenTtlSec?: number } = {}) {
    emu = new AmoCrmEmulator({ integration: INTEGRATION, now: clock.now, ...options });
    await emu.listen(0);
    return emu.accountBaseUrl('demo');
  }

  const exchange = (base: string, body: Record<string, unknown>) =>
    fetch(`${base}/oauth2/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: INTEGRATION.clientId, client_secret: INTEGRATION.clientSecret, redirect_uri: INTEGRATION.redirectUri, ...body }) });

  it('exchanges a code for a Bearer pair whose JWT carries api_domain, and the code works once', async () => {
    const base = await start();
    const code = emu.issueAuthorizationCode('demo');
    const response = await exchange(base, { grant_type: 'authorization_code', code });
    expect(response.status).toBe(200);
    const pair = await response.json();
    expect(pair).toMatchObject({ token_type: 'Bearer', expires_in: 86400, server_time: Math.floor(clock.now() / 1000) });
    expect(typeof pair.refresh_token).toBe('string');
    const claims = decodeJwt(pair.access_token);
    expect(claims).toMatchObject({ aud: INTEGRATION.clientId, account_id: 31000001, api_domain: new URL(emu.origin).host });
    const account = await apiClient(base, () => pair.access_token)('GET', '/api/v4/account');
    expect(account.status).toBe(200);
    expect(account.json).toMatchObject({ id: 31000001, subdomain: 'demo', customers_mode: 'disabled' });

    const again = await exchange(base, { grant_type: 'authorization_code', code });
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects a wrong secret (401), a different redirect_uri (400) and an expired code (400)', async () => {
    const base = await start();
    const code = emu.issueAuthorizationCode('demo');
    expect((await exchange(base, { grant_type: 'authorization_code', code, client_secret: 'nope' })).status).toBe(401);
    expect((await exchange(base, { grant_type: 'authorization_code', code, redirect_uri: 'https://other.example/' })).status).toBe(400);
    clock.advance(21 * 60 * 1000);
    const expired = await exchange(base, { grant_type: 'authorization_code', code });
    expect(expired.status).toBe(400);
    expect((await expired.json()).hint).toBe('Authorization code has expired');
  });

  it('refresh tokens are single-use: the second use is 401 "Token has been revoked"', async () => {
    const base = await start();
    const first = await (await exchange(base, { grant_type: 'authorization_code', code: emu.issueAuthorizationCode('demo') })).json();
    const refreshed = await exchange(base, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = await refreshed.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await apiClient(base, () => second.access_token)('GET', '/api/v4/account')).status).toBe(200);

    const reuse = await exchange(base, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('content-type')).toContain('application/problem+json');
    expect(await reuse.json()).toMatchObject({ hint: 'Token has been revoked', status: 401, type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson' });
  });

  it('access tokens expire after accessTokenTtlSec; missing or foreign tokens are 401', async () => {
    const base = await start({ accessTokenTtlSec: 60 });
    const pair = await (await exchange(base, { grant_type: 'authorization_code', code: emu.issueAuthorizationCode('demo') })).json();
    const api = apiClient(base, () => pair.access_token);
    expect((await api('GET', '/api/v4/account')).status).toBe(200);
    clock.advance(61_000);
    const expired = await api('GET', '/api/v4/account');
    expect(expired.status).toBe(401);
    expect(expired.type).toContain('application/problem+json');
    expect((await fetch(`${base}/api/v4/account`)).status).toBe(401);
    emu.addAccount({ id: 31000002, subdomain: 'other', users: [{ id: 1, name: 'Admin', isAdmin: true }] });
    expect((await apiClient(emu.accountBaseUrl('other'), () => pair.access_token)('GET', '/api/v4/account')).status).toBe(401);
  });

  it('long-lived tokens have no refresh token, work until their ttl and die on uninstall', async () => {
    const base = await start();
    const token = await emu.issueLongLivedToken('demo', 3600);
    const api = apiClient(base, () => token);
    expect((await api('GET', '/api/v4/account')).status).toBe(200);
    await emu.uninstallWidget('demo');
    const revoked = await api('GET', '/api/v4/account');
    expect(revoked.status).toBe(401);
    expect(revoked.json.detail).toBe('Token has been revoked');
  });

  it('answers the subdomain lookup for a live refresh token at {api_domain}/oauth2/account/current/subdomain', async () => {
    const base = await start();
    const pair = await (await exchange(base, { grant_type: 'authorization_code', code: emu.issueAuthorizationCode('demo') })).json();
    const apiDomain = decodeJwt(pair.access_token)['api_domain'];
    const lookup = await fetch(`http://${apiDomain}/oauth2/account/current/subdomain`, { headers: { 'x-refresh-token': pair.refresh_token } });
    expect(await lookup.json()).toEqual({ id: 31000001, subdomain: 'demo', domain: `${apiDomain}/a/demo`, top_level_domain: 'ru' });
    expect((await fetch(`http://${apiDomain}/oauth2/account/current/subdomain`, { headers: { 'x-refresh-token': 'nope' } })).status).toBe(401);
  });

  it('can fail the token endpoint on purpose (failTokenEndpointNext) without consuming the refresh token', async () => {
    const base = await start();
    const pair = await (await exchange(base, { grant_type: 'authorization_code', code: emu.issueAuthorizationCode('demo') })).json();
    emu.faults = { failTokenEndpointNext: { count: 1, status: 503 } };
    expect((await exchange(base, { grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status).toBe(503);
    expect((await exchange(base, { grant_type: 'refresh_token', refresh_token: pair.refresh_token })).status).toBe(200);
  });
});
