import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/databases.js';
import { signDisposableToken } from '../../../sandbox/amocrm/auth/disposable-token.js';
import { signToken, startHarness, CLIENT_ID, CLIENT_SECRET, PUBLIC_URL, type Harness } from '../routes/widget/test-harness.js';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function unsignedToken(): Promise<string> {
  const valid = await signToken();
  const [, payload] = valid.split('.');
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
}

describe('X-Auth-Token verification over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(async () => h?.close());

  it('accepts a valid token and takes account and user from it', async () => {
    const response = await h.call('GET', '/api/widget/status', { claims: { isAdmin: true } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ connected: false, moysklad: { state: 'not_connected' }, amocrm: { state: 'needs_reinstall' }, isAdmin: true });
  });

  it('accepts the token the sandbox host page signs for $authorizedAjax', async () => {
    const token = await signDisposableToken({
      clientSecret: CLIENT_SECRET,
      clientId: CLIENT_ID,
      issuer: 'http://127.0.0.1:9/a/demo',
      audience: PUBLIC_URL,
      accountId: 31000001,
      userId: 7,
      subdomain: 'demo',
      isAdmin: false,
    });
    const response = await h.call('GET', '/api/widget/status', { token });
    expect(response.status).toBe(200);
    expect(response.json.isAdmin).toBe(false);
  });

  const refused: [string, () => Promise<string | null>, string][] = [
    ['no token', async () => null, 'token_missing'],
    ['a forged signature', () => signToken({ secret: `${CLIENT_SECRET}-not` }), 'token_invalid'],
    ['an expired token', () => signToken({ iat: 1_000_000, nbf: 1_000_000, exp: Math.floor(Date.now() / 1000) - 120 }), 'token_expired'],
    ['a token not valid yet', () => signToken({ nbf: Math.floor(Date.now() / 1000) + 600 }), 'token_invalid'],
    ['a wrong audience', () => signToken({ aud: 'https://evil.example' }), 'token_invalid'],
    ['a wrong client_uuid', () => signToken({ clientUuid: randomUUID() }), 'token_invalid'],
    ['an iss of another account', () => signToken({ subdomain: 'demo', iss: 'http://127.0.0.1:9/a/other' }), 'token_invalid'],
    ['an iss on another host', () => signToken({ iss: 'https://demo.evil.example' }), 'token_invalid'],
    ['alg none', unsignedToken, 'token_invalid'],
    ['garbage', async () => 'not.a.jwt', 'token_invalid'],
    ['a subdomain that is not a DNS label', () => signToken({ subdomain: 'demo/../x', iss: 'http://127.0.0.1:9/a/demo/../x' }), 'token_invalid'],
  ];
  it.each(refused)('refuses %s with 401 problem+json', async (_title, makeToken, code) => {
    const response = await h.call('GET', '/api/widget/status', { token: await makeToken(), headers: { 'Accept-Language': 'en' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.json).toMatchObject({ status: 401, code });
    expect(response.json.detail).toMatch(/token/i);
  });

  it('refuses a token signed with HS512 even with the right secret (alg pinned to HS256)', async () => {
    const { SignJWT } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ account_id: 1001, user_id: 1, subdomain: 'demo', client_uuid: '0b0832f6-1111-4222-8333-444455556666' })
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuer('http://127.0.0.1:9/a/demo')
      .setAudience(PUBLIC_URL)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(CLIENT_SECRET));
    expect((await h.call('GET', '/api/widget/status', { token })).status).toBe(401);
  });

  it('tolerates 30 s of clock skew on exp but not more', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await h.call('GET', '/api/widget/status', { claims: { exp: now - 10, iat: now - 100, nbf: now - 100 } })).status).toBe(200);
    expect((await h.call('GET', '/api/widget/status', { claims: { exp: now - 60, iat: now - 100, nbf: now - 100 } })).status).toBe(401);
  });

  it('answers in Russian by default and in English for Accept-Language: en', async () => {
    const ru = await h.call('GET', '/api/widget/status', { token: null });
    const en = await h.call('GET', '/api/widget/status', { token: null, headers: { 'Accept-Language': 'en-US,en;q=0.9' } });
    expect(ru.json.detail).toMatch(/токен/i);
    expect(en.json.detail).toMatch(/token/i);
    expect(ru.json.code).toBe(en.json.code);
  });

  it('admin routes refuse a token without is_admin (optional in real tokens) and with is_admin false', async () => {
    for (const isAdmin of [undefined, false]) {
      const response = await h.call('PUT', '/api/widget/settings', { claims: { isAdmin }, body: { referralBonusNew: 1, referralBonusReferrer: 1, referrerRewardAt: 'signup', priceTypeId: null } });
      expect(response.status).toBe(403);
      expect(response.json.code).toBe('admin_required');
    }
  });

  it('never echoes the token and never logs it', async () => {
    const token = await signToken({ aud: 'https://wrong.example' });
    const response = await h.call('GET', '/api/widget/status', { token });
    expect(response.text).not.toContain(token);
    expect(h.logLines.join('')).not.toContain(token.split('.')[2]);
  });
});

describe('token binding and lifetime', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(async () => h?.close());

  it('refuses a token naming a known account under another subdomain', async () => {
    // The account is on record as `shop` (its first call created it)…
    const settings = { referralBonusNew: 1, referralBonusReferrer: 1, referrerRewardAt: 'signup', priceTypeId: null };
    expect((await h.call('PUT', '/api/widget/settings', { claims: { accountId: 4242, subdomain: 'shop', isAdmin: true }, body: settings })).status).toBe(200);
    expect((await h.call('GET', '/api/widget/status', { claims: { accountId: 4242, subdomain: 'shop' } })).status).toBe(200);
    // …so a token for account 4242 issued by another account's base URL is not its own.
    const other = await h.call('GET', '/api/widget/status', { claims: { accountId: 4242, subdomain: 'demo' }, headers: { 'Accept-Language': 'en' } });
    expect(other.status).toBe(401);
    expect(other.json.code).toBe('token_invalid');
  });

  it('caps the lifetime it accepts (exp − iat) at an hour', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await h.call('GET', '/api/widget/status', { claims: { iat: now, nbf: now, exp: now + 1800 } })).status).toBe(200);
    expect((await h.call('GET', '/api/widget/status', { claims: { iat: now, nbf: now, exp: now + 3600 } })).status).toBe(200);
    const longLived = await h.call('GET', '/api/widget/status', { claims: { iat: now, nbf: now, exp: now + 7 * 86_400 } });
    expect(longLived.status).toBe(401);
    expect(longLived.json.code).toBe('token_invalid');
  });
});

describeEachDatabase('replayed disposable tokens', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => h?.close());

  const settings = { referralBonusNew: 5, referralBonusReferrer: 5, referrerRewardAt: 'signup', priceTypeId: null };

  it('a read accepts the same token again within its lifetime (amoCRM does not document one token per request)', async () => {
    const token = await signToken();
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/api/widget/status', { token })).status).toBe(200);
  });

  it('a state-changing call refuses a jti already used for one, even when both arrive at once', async () => {
    const token = await signToken({ isAdmin: true });
    const first = await h.call('PUT', '/api/widget/settings', { token, body: settings });
    const second = await h.call('PUT', '/api/widget/settings', { token, body: settings });
    expect(first.status).toBe(200);
    expect(second.status).toBe(401);
    expect(second.json.code).toBe('token_replayed');

    const racing = await signToken({ isAdmin: true });
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.call('PUT', '/api/widget/settings', { token: racing, body: settings })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401 && a.json.code === 'token_replayed')).toHaveLength(7);
  });

  it('a token read with first may still make its one state-changing call', async () => {
    const token = await signToken({ isAdmin: true });
    expect((await h.call('GET', '/api/widget/settings', { token })).status).toBe(200);
    expect((await h.call('PUT', '/api/widget/settings', { token, body: settings })).status).toBe(200);
    expect((await h.call('PUT', '/api/widget/settings', { token, body: settings })).status).toBe(401);
  });

  it('the same jti in two accounts are two different tokens', async () => {
    const jti = randomUUID();
    expect((await h.call('PUT', '/api/widget/settings', { claims: { jti, accountId: 1, isAdmin: true }, body: settings })).status).toBe(200);
    expect((await h.call('PUT', '/api/widget/settings', { claims: { jti, accountId: 2, isAdmin: true }, body: settings })).status).toBe(200);
  });
});
