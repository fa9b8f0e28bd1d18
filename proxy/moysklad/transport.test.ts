import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { MoySkladAuthError, MoySkladError, MoySkladNetworkError, MoySkladRateLimitError, MoySkladValidationError } from './errors.js';
import { MS_BASE, msError } from './test-support/fake-moysklad.js';
import { testClient, useFakeMoySklad } from './test-support/msw-setup.js';
import { MoySkladUserLimiter } from './user-limiter.js';

const ctx = useFakeMoySklad();

describe('МойСклад transport', () => {
  it('sends gzip, UA and Bearer on every call; JSON type and the echo-stopper only where they belong', async () => {
    const client = testClient();
    ctx.fake.insert('counterparty', { id: 'c1', name: 'Петров' });
    await client.counterparties.get('c1');
    await client.counterparties.update('c1', { name: 'Петров П.' });
    const [read, write] = ctx.fake.requests;
    expect(read!.headers.get('accept-encoding')).toBe('gzip');
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(read!.headers.get('user-agent')).toBe(`moysklad-amocrm/${version} (+https://proxy.example.com)`);
    expect(read!.headers.get('authorization')).toBe('Bearer fake-token');
    expect(read!.headers.get('x-lognex-webhook-disablebyprefix')).toBeNull();
    expect(write!.headers.get('content-type')).toBe('application/json');
    expect(write!.headers.get('x-lognex-webhook-disablebyprefix')).toBe('https://proxy.example.com');
  });

  it('401 → MoySkladAuthError and onAuthLost once, never retried', async () => {
    const onAuthLost = vi.fn();
    const client = testClient({ token: 'revoked', onAuthLost });
    const error = await client.employeeContext().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoySkladAuthError);
    expect((error as MoySkladAuthError).code).toBe(1056);
    expect(onAuthLost).toHaveBeenCalledTimes(1);
    expect(ctx.fake.requests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toContain('revoked');
    // Later calls fail fast: no more failing requests that could get the user auto-blocked.
    await expect(Promise.all([client.employeeContext(), client.counterparties.get('c1')])).rejects.toBeInstanceOf(MoySkladAuthError);
    expect(ctx.fake.requests).toHaveLength(1);
    expect(onAuthLost).toHaveBeenCalledTimes(1);
  });

  it('rate 429 storm (1049): waits what X-Lognex-Retry-After says, then succeeds', async () => {
    let refusals = 5;
    ctx.server.use(
      http.get(`${MS_BASE}/context/employee`, async () => {
        if (refusals-- > 0) {
          return HttpResponse.json({ errors: [{ error: 'rate', code: 1049 }] }, { status: 429, headers: { 'X-Lognex-Retry-After': '15', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Limit': '11', 'X-Lognex-Retry-TimeInterval': '300' } });
        }
        return undefined;
      }),
    );
    const limiter = new MoySkladUserLimiter();
    const started = Date.now();
    const employee = await testClient({ limiter }).employeeContext();
    expect(employee.uid).toBe('admin@demo');
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 15 - 5);
    expect(limiter.snapshot().rateLimited).toBeGreaterThanOrEqual(5);
  });

  it('parallel 429 storm (1073): sheds parallelism, retries, and restores it after a quiet period', async () => {
    let inFlight = 0;
    ctx.server.use(
      http.get(`${MS_BASE}/entity/counterparty/:id`, async ({ params }) => {
        inFlight += 1;
        try {
          await new Promise((resolve) => setTimeout(resolve, 5));
          // The fake only allows 2 at once.
          if (inFlight > 2) return HttpResponse.json({ errors: [{ error: 'parallel', code: 1073 }] }, { status: 429, headers: { 'X-Lognex-Auth': '429005' } });
          return HttpResponse.json({ meta: { href: `${MS_BASE}/entity/counterparty/${params.id}`, type: 'counterparty' }, id: params.id, name: 'x', updated: '2026-01-01 00:00:00.000' });
        } finally {
          inFlight -= 1;
        }
      }),
    );
    const limiter = new MoySkladUserLimiter({ maxParallel: 4, restoreParallelAfterMs: 50 });
    const client = testClient({ limiter });
    await client.counterparties.get('probe');
    const rows = await Promise.all(Array.from({ length: 12 }, (_, i) => client.counterparties.get(`c${i}`)));
    expect(rows).toHaveLength(12);
    const afterStorm = limiter.snapshot();
    expect(afterStorm.parallelLimited).toBeGreaterThan(0);
    expect(afterStorm.parallelLimit).toBeLessThan(4);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await client.counterparties.get('later');
    expect(limiter.snapshot().parallelLimit).toBe(afterStorm.parallelLimit + 1);
  });

  it('5xx: exponential backoff then success; gives up after maxAttempts', async () => {
    let failures = 2;
    ctx.server.use(http.get(`${MS_BASE}/context/employee`, () => (failures-- > 0 ? new HttpResponse('<html>502</html>', { status: 502 }) : undefined)));
    const sleeps: number[] = [];
    const client = testClient({ sleep: async (ms) => void sleeps.push(ms), retryPolicy: { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 } });
    await expect(client.employeeContext()).resolves.toMatchObject({ id: 'e1' });
    expect(sleeps).toEqual([100, 200]);

    ctx.server.use(http.get(`${MS_BASE}/context/employee`, () => msError(503, 1074, 'Технические работы')));
    const error = await testClient({ retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }).employeeContext().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoySkladError);
    expect((error as MoySkladError).status).toBe(503);
    expect((error as MoySkladError).code).toBe(1074);
  });

  it('other 4xx are never retried and carry code, moreInfo and the redacted request', async () => {
    let posts = 0;
    ctx.server.use(http.post(`${MS_BASE}/entity/counterparty`, () => (posts++, msError(412, 3000, "поле 'name' не может быть пустым", { parameter: 'name' }))));
    const error = (await testClient().counterparties.createIndividual({ name: '', syncId: 's1' }).catch((e: unknown) => e)) as MoySkladError;
    expect(error.status).toBe(412);
    expect(error.code).toBe(3000);
    expect(error.moreInfo).toContain('error_3000');
    expect(error.request).toEqual({ method: 'POST', url: `${MS_BASE}/entity/counterparty` });
    expect(error.errors[0]?.parameter).toBe('name');
    expect(posts).toBe(1);
  });

  it('415 with an empty body still becomes a typed error', async () => {
    ctx.server.use(http.get(`${MS_BASE}/context/employee`, () => new HttpResponse(null, { status: 415 })));
    const error = (await testClient().employeeContext().catch((e: unknown) => e)) as MoySkladError;
    expect(error.status).toBe(415);
    expect(error.code).toBeUndefined();
  });

  it('network errors: GETs are retried, a plain POST is not (it may have been applied)', async () => {
    let drops = 1;
    ctx.server.use(http.get(`${MS_BASE}/context/employee`, () => (drops-- > 0 ? HttpResponse.error() : undefined)));
    await expect(testClient().employeeContext()).resolves.toMatchObject({ id: 'e1' });

    let posts = 0;
    ctx.server.use(http.post(`${MS_BASE}/entity/webhook`, () => (posts++, HttpResponse.error())));
    const client = testClient();
    const error = await client.transport.request({ method: 'POST', path: '/entity/webhook', body: {}, schema: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoySkladNetworkError);
    expect(posts).toBe(1);
  });

  it('an unexpected body shape becomes MoySkladValidationError with the path, logged without the body', async () => {
    ctx.server.use(http.get(`${MS_BASE}/entity/product/:id`, () => HttpResponse.json({ meta: { href: `${MS_BASE}/entity/product/p1`, type: 'product' }, id: 'p1', name: 'Бананы', updated: '2016-06-07 10:45:16', salePrices: [{ value: null, priceType: { id: 't', name: 'Цена' } }] })));
    const logged: object[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj: object) => void logged.push(obj) };
    const error = (await testClient({ logger }).catalog.getProduct('p1').catch((e: unknown) => e)) as MoySkladValidationError;
    expect(error).toBeInstanceOf(MoySkladValidationError);
    expect(error.path).toBe('salePrices.0.value');
    expect(JSON.stringify(logged)).not.toContain('Бананы');
    expect(JSON.stringify(logged)).toContain('salePrices.0.value');

    ctx.server.use(http.get(`${MS_BASE}/context/employee`, () => new HttpResponse('<html>oops</html>', { status: 200 })));
    await expect(testClient().employeeContext()).rejects.toBeInstanceOf(MoySkladValidationError);
  });

  it('never sends the token to a host outside the API', () => {
    const client = testClient();
    expect(() => client.transport.resolveUrl('https://evil.example.com/steal')).toThrow(/outside the МойСклад API/);
    expect(client.transport.resolveUrl('https://online.moysklad.ru/api/remap/1.2/entity/product?offset=1000')).toBe(`${MS_BASE}/entity/product?offset=1000`);
  });

  it('429 errors expose the server wait', async () => {
    ctx.server.use(http.get(`${MS_BASE}/context/employee`, () => HttpResponse.json({ errors: [{ error: 'r', code: 1049 }] }, { status: 429, headers: { 'X-Lognex-Retry-After': '7' } })));
    const error = (await testClient({ retryPolicy: { maxRateLimitAttempts: 1 } }).employeeContext().catch((e: unknown) => e)) as MoySkladRateLimitError;
    expect(error).toBeInstanceOf(MoySkladRateLimitError);
    expect(error.kind).toBe('rate');
    expect(error.retryAfterMs).toBe(7);
  });
});
