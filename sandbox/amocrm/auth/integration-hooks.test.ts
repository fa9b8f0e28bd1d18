import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../emulator.js';
import { INTEGRATION, Receiver, apiClient } from '../test-support.js';

describe('install and revoke hooks', () => {
  let receiver: Receiver;
  let emu: AmoCrmEmulator;
  beforeEach(async () => {
    receiver = await new Receiver().start();
    emu = new AmoCrmEmulator({
      integration: { ...INTEGRATION, redirectUri: `${receiver.origin}/amocrm/install`, revokeHookUrl: `${receiver.origin}/amocrm/revoke?x=1` },
    });
    await emu.listen(0);
  });
  afterEach(async () => {
    await emu.close();
    await receiver.stop();
  });

  it('installWidget GETs the redirect URI with code, referer, from_widget=1 and platform=1; the code is exchangeable', async () => {
    const { code, call } = await emu.installWidget('demo', { userId: 5000002 });
    expect(call.status).toBe(200);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url.pathname).toBe('/amocrm/install');
    const params = Object.fromEntries(request?.url.searchParams ?? []);
    expect(params).toEqual({ code, referer: `${new URL(emu.origin).host}/a/demo`, from_widget: '1', platform: '1' });

    // The integration would build its URL from referer: http:// + referer.
    const response = await fetch(`http://${params['referer']}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: INTEGRATION.clientId, client_secret: INTEGRATION.clientSecret, grant_type: 'authorization_code', code, redirect_uri: `${receiver.origin}/amocrm/install` }),
    });
    expect(response.status).toBe(200);
    const pair = await response.json();
    const account = await apiClient(emu.accountBaseUrl('demo'), () => pair.access_token)('GET', '/api/v4/account');
    expect(account.json.current_user_id).toBe(5000002);
  });

  it('gives up on a slow install endpoint after the (scaled) 3 s timeout and does not retry', async () => {
    const fast = new AmoCrmEmulator({ integration: { ...INTEGRATION, redirectUri: `${receiver.origin}/amocrm/install` }, timeScale: 0.1 });
    await fast.listen(0);
    receiver.delayMs = 2000; // timeout is 300 ms
    const started = Date.now();
    const { call } = await fast.installWidget('demo', { userId: 5000001 });
    expect(call.error).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1900);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(1);
    await fast.close();
  });

  it('uninstallWidget revokes tokens and GETs the revoke hook with a verifiable HMAC signature', async () => {
    const token = await emu.issueLongLivedToken('demo', 3600);
    const { revokedTokens, call } = await emu.uninstallWidget('demo');
    expect(revokedTokens).toBe(1);
    expect(call?.status).toBe(200);
    const url = receiver.requests[0]?.url;
    expect(url?.pathname).toBe('/amocrm/revoke');
    const accountId = url?.searchParams.get('account_id') ?? '';
    const clientUuid = url?.searchParams.get('client_uuid') ?? '';
    const signature = url?.searchParams.get('signature') ?? '';
    expect(accountId).toBe('31000001');
    expect(clientUuid).toBe(INTEGRATION.clientId);
    const expected = createHmac('sha256', INTEGRATION.clientSecret).update(`${clientUuid}|${accountId}`).digest();
    expect(timingSafeEqual(Buffer.from(signature, 'hex'), expected)).toBe(true);
    expect(url?.searchParams.get('x')).toBe('1');
    expect((await apiClient(emu.accountBaseUrl('demo'), () => token)('GET', '/api/v4/account')).status).toBe(401);
  });
});
