import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowedOrigin } from './cors.js';
import { startHarness, type Harness } from './routes/widget/test-harness.js';

describe('isAllowedOrigin', () => {
  it.each([
    ['https://demo.amocrm.ru', true],
    ['https://my-shop.amocrm.com', true],
    ['https://acme.kommo.com', true],
    ['http://127.0.0.1:9', true], // configured extra origin (sandbox)
    ['http://demo.amocrm.ru', false],
    ['https://amocrm.ru', false],
    ['https://demo.amocrm.ru.evil.com', false],
    ['https://evil.com/.amocrm.ru', false],
    ['https://a.b.amocrm.ru', false],
    ['https://demo.amocrm.ru:8443', false],
    ['null', false],
  ])('%s → %s', (origin, allowed) => {
    expect(isAllowedOrigin(origin, ['http://127.0.0.1:9'])).toBe(allowed);
  });
});

describe('CORS on /api/widget', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(async () => h?.close());

  it('answers the preflight of an amoCRM account page without a token', async () => {
    const response = await fetch(`${h.base}/api/widget/customers/1/bonus`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://demo.amocrm.ru', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-auth-token, idempotency-key, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://demo.amocrm.ru');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of ['x-auth-token', 'idempotency-key', 'content-type']) expect(allowed).toContain(header);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets the widget poll the card conditionally: If-None-Match allowed, ETag readable', async () => {
    const preflight = await fetch(`${h.base}/api/widget/customers/1/card`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://demo.amocrm.ru', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-auth-token, if-none-match' },
    });
    expect((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('if-none-match');
    const answer = await h.call('GET', '/api/widget/status', { headers: { Origin: 'https://demo.amocrm.ru' } });
    expect((answer.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('etag');
  });

  it('gives no CORS headers to a foreign origin', async () => {
    const response = await fetch(`${h.base}/api/widget/status`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('puts the allow-origin header on actual answers, errors included', async () => {
    const ok = await h.call('GET', '/api/widget/status', { headers: { Origin: 'http://127.0.0.1:9' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:9');
    const refused = await h.call('GET', '/api/widget/status', { token: null, headers: { Origin: 'https://demo.kommo.com' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://demo.kommo.com');
  });
});
