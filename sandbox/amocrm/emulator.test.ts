import { Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { AmoCrmEmulator, type PublicAccount } from './emulator.js';
import { INTEGRATION, apiClient } from './test-support.js';

describe('AmoCrmEmulator', () => {
  let emu: AmoCrmEmulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  it('validates its options with a readable error', () => {
    expect(() => new AmoCrmEmulator({ integration: { ...INTEGRATION, redirectUri: 'not a url' } })).toThrow(/integration\.redirectUri/);
  });

  it('serves several accounts on one port and mounts host routers under /a/{subdomain}/ without shadowing the API', async () => {
    const host = Router({ mergeParams: true });
    host.get('/customers', (req, res) => {
      const account = res.locals['amoAccount'] as PublicAccount;
      res.type('text/html').send(`<h1>${(req.params as Record<string, string>)['subdomain']}:${account.id}:${account.baseUrl}</h1>`);
    });
    host.get('/api/v4/account', (_req, res) => res.send('host must not win'));
    emu = new AmoCrmEmulator({
      integration: INTEGRATION,
      accounts: [
        { id: 1, subdomain: 'shop-one', users: [{ id: 11, name: 'A', isAdmin: true }] },
        { id: 2, subdomain: 'shop-two', customersMode: 'segments', users: [{ id: 21, name: 'B', isAdmin: true }] },
      ],
      accountRouter: host,
    });
    const { origin } = await emu.listen(0);
    expect(emu.accountBaseUrl('shop-two')).toBe(`${origin}/a/shop-two`);
    const page = await fetch(`${origin}/a/shop-two/customers`);
    expect(await page.text()).toBe(`<h1>shop-two:2:${origin}/a/shop-two</h1>`);
    const token = await emu.issueLongLivedToken('shop-two', 600);
    const account = await apiClient(emu.accountBaseUrl('shop-two'), () => token)('GET', '/api/v4/account');
    expect(account.json).toMatchObject({ id: 2, subdomain: 'shop-two', customers_mode: 'segments' });
    expect((await fetch(`${origin}/a/nobody/api/v4/account`)).status).toBe(404);
    expect((await apiClient(emu.accountBaseUrl('shop-two'), () => token)('GET', '/api/v4/leads')).status).toBe(404);
  });

  it('returns widget settings to the integration and lets only an admin install with settings', async () => {
    emu = new AmoCrmEmulator({ integration: { ...INTEGRATION, widgetCode: 'moysklad_loyalty' } });
    await emu.listen(0);
    const admin = apiClient(emu.accountBaseUrl('demo'), () => adminToken);
    const adminToken = await emu.issueLongLivedToken('demo', 600, 5000001);
    const managerToken = await emu.issueLongLivedToken('demo', 600, 5000002);
    const before = await admin('GET', '/api/v4/widgets/moysklad_loyalty');
    expect(before.json).toMatchObject({ code: 'moysklad_loyalty', client_uuid: INTEGRATION.clientId, is_active_in_account: false, settings: {} });
    expect((await admin('POST', '/api/v4/widgets/moysklad_loyalty', { login: 'x' }, { authorization: `Bearer ${managerToken}` })).status).toBe(403);
    const installed = await admin('POST', '/api/v4/widgets/moysklad_loyalty', { referral_bonus: '100' });
    expect(installed.json).toMatchObject({ is_active_in_account: true, settings: { referral_bonus: '100' } });
    expect(emu.store.widget('demo', 'moysklad_loyalty')).toEqual({ installed: true, settings: { referral_bonus: '100' } });
    expect((await admin('GET', '/api/v4/widgets/other')).status).toBe(404);
  });
});
