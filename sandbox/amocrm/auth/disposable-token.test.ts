import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../emulator.js';
import { INTEGRATION } from '../test-support.js';
import { DISPOSABLE_TOKEN_LIFETIME_SECONDS, signDisposableToken, signDisposableTokenSync } from './disposable-token.js';

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

describe('signDisposableToken', () => {
  const secret = 'integration-secret-0123456789';
  const input = {
    clientSecret: secret,
    clientId: '0b0832f6-1111-2222-3333-444455556666',
    issuer: 'http://127.0.0.1:4000/a/demo',
    audience: 'http://127.0.0.1:5000',
    accountId: 31000001,
    userId: 5000001,
    subdomain: 'demo',
    isAdmin: true,
    now: new Date('2026-03-01T10:00:00Z'),
  };
  const iat = Math.floor(input.now.getTime() / 1000);
  const verify = (token: string) =>
    jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], issuer: input.issuer, audience: input.audience, currentDate: new Date('2026-03-01T10:05:00Z') });

  it.each([
    ['with jose', signDisposableToken],
    ['synchronously (bench)', async (i: typeof input) => signDisposableTokenSync(i)],
  ])('signs HS256 with the client secret and carries amoCRM claims (%s)', async (_how, sign) => {
    const token = await sign(input);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await verify(token);
    expect(payload).toMatchObject({
      account_id: 31000001, user_id: 5000001, subdomain: 'demo', client_uuid: input.clientId, is_admin: true,
      iat, nbf: iat, exp: iat + DISPOSABLE_TOKEN_LIFETIME_SECONDS,
    });
    expect(payload.exp! - payload.iat!).toBe(1800);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every token its own jti, and leaves is_admin out when not given', async () => {
    const [a, b] = await Promise.all([signDisposableToken(input), signDisposableToken({ ...input, isAdmin: undefined })]);
    expect((await verify(a)).payload.jti).not.toBe((await verify(b)).payload.jti);
    expect((await verify(b)).payload).not.toHaveProperty('is_admin');
  });

  it('does not verify with another secret, and expires after 30 minutes', async () => {
    const token = await signDisposableToken(input);
    await expect(jwtVerify(token, new TextEncoder().encode('another-secret-0123456789'))).rejects.toThrow(/signature/);
    await expect(jwtVerify(token, new TextEncoder().encode(secret), { currentDate: new Date('2026-03-01T10:31:00Z') })).rejects.toThrow(/exp/);
  });

  it('takes overrides of the registered claims (for refusal tests)', async () => {
    const token = await signDisposableToken({ ...input, override: { jti: 'fixed', exp: iat + 600 } });
    expect((await verify(token)).payload).toMatchObject({ jti: 'fixed', iat, exp: iat + 600 });
  });
});
