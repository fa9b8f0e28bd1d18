import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DISPOSABLE_TOKEN_LIFETIME_SECONDS, signDisposableToken } from './disposable-token.js';

const secret = 'integration-secret-0123456789';
const input = {
  clientSecret: secret,
  clientUuid: '0b0832f6-1111-2222-3333-444455556666',
  issuer: 'http://127.0.0.1:4000/a/demo',
  audience: 'http://127.0.0.1:5000',
  accountId: 31000001,
  userId: 5000001,
  subdomain: 'demo',
  isAdmin: true,
  now: new Date('2026-03-01T10:00:00Z'),
};

describe('signDisposableToken', () => {
  it('signs HS256 with the client secret and carries amoCRM claims', async () => {
    const token = await signDisposableToken(input);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      issuer: input.issuer,
      audience: input.audience,
      currentDate: new Date('2026-03-01T10:05:00Z'),
    });
    const iat = Math.floor(input.now.getTime() / 1000);
    expect(payload).toMatchObject({
      account_id: 31000001, user_id: 5000001, subdomain: 'demo', client_uuid: input.clientUuid, is_admin: true,
      iat, nbf: iat, exp: iat + DISPOSABLE_TOKEN_LIFETIME_SECONDS,
    });
    expect(payload.exp! - payload.iat!).toBe(1800);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([signDisposableToken(input), signDisposableToken(input)]);
    const jti = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti;
    expect(jti(a)).not.toBe(jti(b));
  });

  it('does not verify with another secret, and expires after 30 minutes', async () => {
    const token = await signDisposableToken(input);
    await expect(jwtVerify(token, new TextEncoder().encode('another-secret-0123456789'))).rejects.toThrow(/signature/);
    await expect(
      jwtVerify(token, new TextEncoder().encode(secret), { currentDate: new Date('2026-03-01T10:31:00Z') }),
    ).rejects.toThrow(/exp/);
  });
});
