import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, startHarness, type Harness } from './test-harness.js';

const admin = { accountId: 99, isAdmin: true };

describe('hostile input never causes a 5xx', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
    await h.seedBuyer({ accountId: 99, amoCustomerId: 1 });
  });
  afterAll(async () => h?.close());

  const expectProblem4xx = (response: { status: number; headers: Headers; text: string }, label: string) => {
    expect(response.status, label).toBeGreaterThanOrEqual(400);
    expect(response.status, label).toBeLessThan(500);
    expect(response.headers.get('content-type'), label).toContain('application/problem+json');
    expect(response.text, label).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
  };

  it('oversize bodies are 413', async () => {
    const big = { login: 'a', password: 'x'.repeat(20_000) };
    const response = await h.call('POST', '/api/widget/connection', { claims: admin, body: big });
    expectProblem4xx(response, 'oversize');
    expect(response.status).toBe(413);
    expect(response.json.code).toBe('body_too_large');
  });

  it.each([
    ['truncated JSON', '{"operation":"accrue",'],
    ['not JSON', 'operation=accrue&amount=5'],
    ['a JSON string', '"accrue"'],
    ['an array', '[1,2,3]'],
    ['null', 'null'],
    ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)],
    ['prototype pollution', '{"__proto__":{"isAdmin":true},"operation":"accrue","amount":5}'],
    ['unknown fields', '{"operation":"accrue","amount":5,"accountId":1}'],
    ['a huge number', '{"operation":"accrue","amount":1e400}'],
    ['unicode operation', '{"operation":"аccrue","amount":5}'],
    ['NUL bytes', '{"operation":"accrue\\u0000","amount":5}'],
  ])('malformed bonus body: %s', async (label, rawBody) => {
    const response = await h.call('POST', '/api/widget/customers/1/bonus', {
      claims: admin,
      rawBody,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    });
    expectProblem4xx(response, label);
  });

  it('a malformed or oversize body is answered like every widget error: readable by the amoCRM page, in its language', async () => {
    for (const [rawBody, status, code] of [
      ['{"operation":"accrue",', 400, 'malformed_body'],
      [JSON.stringify({ comment: 'x'.repeat(300_000) }), 413, 'body_too_large'],
    ] as const) {
      const response = await fetch(`${h.base}/api/widget/customers/1/bonus`, {
        method: 'POST',
        headers: { Origin: 'https://demo.amocrm.ru', 'Accept-Language': 'en', 'X-Auth-Token': await signToken(admin), 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
        body: rawBody,
      });
      const problem = await response.json();
      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://demo.amocrm.ru');
      expect(problem).toMatchObject({ status, code, title: expect.any(String) });
      expect(problem.detail).not.toMatch(/[а-яё]/i);
    }
  });

  it('a body without Content-Type: application/json is 415', async () => {
    const response = await h.call('PUT', '/api/widget/settings', { claims: admin, rawBody: 'referralBonusNew=1', headers: { 'Content-Type': 'text/plain' } });
    expectProblem4xx(response, 'text/plain');
    expect(response.status).toBe(415);
  });

  it.each([
    ['an SQL injection in the Idempotency-Key', "x'); DROP TABLE idempotency_keys;--"],
    ['spaces in the Idempotency-Key', 'my key with spaces'],
    ['a 500-character Idempotency-Key', 'k'.repeat(500)],
  ])('%s is refused', async (label, key) => {
    const response = await fetch(`${h.base}/api/widget/customers/1/bonus`, {
      method: 'POST',
      headers: { 'X-Auth-Token': await signToken(admin), 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({ operation: 'accrue', amount: 5 }),
    });
    const text = await response.text();
    expectProblem4xx({ status: response.status, headers: response.headers, text }, label);
    expect(JSON.parse(text).code).toBe('idempotency_key_required');
  });

  it('unicode and markup in settings and comments are data, not code', async () => {
    const settings = await h.call('PUT', '/api/widget/settings', { claims: admin, body: { referralBonusNew: 10, referralBonusReferrer: 5, referrerRewardAt: 'signup', priceTypeId: '<script>alert(1)</script> Цена 🛒' } });
    expect(settings.status).toBe(200);
    expect(settings.json.priceTypeId).toBe('<script>alert(1)</script> Цена 🛒');
    expect(settings.headers.get('content-type')).toContain('application/json');
    const bad = await h.call('PUT', '/api/widget/settings', { claims: admin, body: { referralBonusNew: 100_001, referralBonusReferrer: -1, referrerRewardAt: 'never', priceTypeId: 5 } });
    expectProblem4xx(bad, 'bad settings');
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['priceTypeId', 'referralBonusNew', 'referralBonusReferrer', 'referrerRewardAt']);
  });

  it('unknown widget paths and methods are 404 problem+json', async () => {
    expectProblem4xx(await h.call('GET', '/api/widget/nope', { claims: admin }), 'unknown path');
    expectProblem4xx(await h.call('PATCH', '/api/widget/settings', { claims: admin, body: {} }), 'unknown method');
    expectProblem4xx(await h.call('GET', '/api/widget/customers/..%2F..%2Fetc%2Fpasswd/card', { claims: admin }), 'traversal');
  });
});
