import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../emulator.js';
import { INTEGRATION } from '../test-support.js';

describe('disposable tokens (X-Auth-Token)', () => {
  let emu: AmoCrmEmulator;
  afterEach(async () => emu.close());

  it('signs HS256 with the client secret; iss is the account base URL, aud the redirect URI origin', async () => {
    emu = new AmoCrmEmulator({ integration: INTEGRATION });
    await emu.listen(0);
    const token = await emu.issueDisposableToken('demo', 5000002);
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(INTEGRATION.clientSecret), { algorithms: ['HS256'], audience: 'https://integration.example', issuer: emu.accountBaseUrl('demo') });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ account_id: 31000001, user_id: 5000002, subdomain: 'demo', client_uuid: INTEGRATION.clientId, is_admin: false });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(1800);
    await expect(jwtVerify(token, new TextEncoder().encode('wrong-secret'))).rejects.toThrow();
    await expect(emu.issueDisposableToken('demo', 42)).rejects.toThrow(/not in account/);
  });
});
