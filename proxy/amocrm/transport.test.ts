import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { AmoAccountLimiter } from './account-limiter.js';
import { AmoAuthError, AmoBlockedError, AmoError, AmoNetworkError, AmoRateLimitError, AmoResponseShapeError } from './errors.js';
import { InMemoryRateLimitStore } from './rate-limit-store.js';
import { AMO_BASE, problem } from './test-support/fake-amocrm.js';
import { testAmoClient, useFakeAmoCrm } from './test-support/msw-setup.js';
import { InMemoryTokenStore } from './token-store.js';

const ctx = useFakeAmoCrm();

describe('amoCRM transport', () => {
  it('calls the account subdomain with the Bearer token', async () => {
    const client = await testAmoClient();
    expect((await client.account.get()).customers_mode).toBe('disabled');
    expect(ctx.fake.requests[0]!.url.origin).toBe(AMO_BASE);
    expect(ctx.fake.requests[0]!.auth).toBe('Bearer access-1');
  });

  it('204 is an empty result, not an error', async () => {
    const client = await testAmoClient();
    expect(await client.customers.get(424242)).toBeNull();
  });

  it('401 → exactly one refresh, the new pair is stored, the call is retried', async () => {
    const store = new InMemoryTokenStore();
    await store.save('31000001', { accessToken: 'stale', refreshToken: 'refresh-1', expiresAt: null });
    const client = await testAmoClient({ tokenStore: store });
    await client.account.get();
    expect(ctx.fake.tokenCalls).toBe(1);
    expect(await store.load('31000001')).toMatchObject({ accessToken: 'access-r1', refreshToken: 'refresh-r1' });
    expect(ctx.fake.requests.map((r) => r.auth)).toEqual(['Bearer stale', 'Bearer access-r1']);
  });

  it('refresh race: two "processes" hit 401 together → one token call, both succeed', async () => {
    const store = new InMemoryTokenStore();
    await store.save('31000001', { accessToken: 'stale', refreshToken: 'refresh-1', expiresAt: null });
    const [a, b] = [await testAmoClient({ tokenStore: store }), await testAmoClient({ tokenStore: store })];
    const results = await Promise.all([a.account.get(), b.account.get(), a.customers.get(1), b.account.get()]);
    expect(results[0].id).toBe(31000001);
    expect(ctx.fake.tokenCalls).toBe(1);
  });

  it('refreshes ahead of expiry instead of waiting for a 401', async () => {
    const store = new InMemoryTokenStore();
    await store.save('31000001', { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: Date.now() + 1000 });
    await (await testAmoClient({ tokenStore: store })).account.get();
    expect(ctx.fake.tokenCalls).toBe(1);
    expect(ctx.fake.requests.map((r) => r.auth)).toEqual(['Bearer access-r1']);
  });

  it('a revoked refresh token → AmoAuthError and onNeedsReinstall; long-lived tokens never try to refresh', async () => {
    const onNeedsReinstall = vi.fn();
    const store = new InMemoryTokenStore();
    await store.save('31000001', { accessToken: 'stale', refreshToken: 'already-used', expiresAt: null });
    const error = await (await testAmoClient({ tokenStore: store, onNeedsReinstall })).account.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmoAuthError);
    expect(onNeedsReinstall).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(error)).not.toContain('already-used');

    const longLived = new InMemoryTokenStore();
    await longLived.save('31000001', { accessToken: 'revoked-long-lived', refreshToken: null, expiresAt: null });
    const calls = ctx.fake.tokenCalls;
    await expect((await testAmoClient({ tokenStore: longLived, onNeedsReinstall })).account.get()).rejects.toBeInstanceOf(AmoAuthError);
    expect(ctx.fake.tokenCalls).toBe(calls);
    expect(onNeedsReinstall).toHaveBeenCalledTimes(2);
  });

  it('a long-lived token just works', async () => {
    const store = new InMemoryTokenStore();
    await store.save('31000001', { accessToken: 'access-1', refreshToken: null, expiresAt: null });
    await expect((await testAmoClient({ tokenStore: store })).account.get()).resolves.toMatchObject({ subdomain: 'demo' });
  });

  it('403 trips the breaker: no further call for the account leaves the process, in any client sharing the store', async () => {
    let hits = 0;
    ctx.server.use(http.get(`${AMO_BASE}/api/v4/account`, () => (hits++, new HttpResponse('<html><body>403 Forbidden nginx</body></html>', { status: 403, headers: { 'Content-Type': 'text/html' } }))));
    const store = new InMemoryRateLimitStore();
    const onBlocked = vi.fn();
    const first = await testAmoClient({ limiter: new AmoAccountLimiter({ store }), onBlocked });
    const second = await testAmoClient({ limiter: new AmoAccountLimiter({ store }) });
    await expect(first.account.get()).rejects.toBeInstanceOf(AmoBlockedError);
    await expect(first.customers.get(1)).rejects.toBeInstanceOf(AmoBlockedError);
    await expect(second.account.get()).rejects.toBeInstanceOf(AmoBlockedError);
    expect(hits).toBe(1);
    expect(ctx.fake.requests).toHaveLength(0);
    expect(onBlocked).toHaveBeenCalledTimes(1);
    await first.transport.limiter.unblock('31000001');
    ctx.server.resetHandlers(...ctx.fake.handlers());
    await expect(second.account.get()).resolves.toMatchObject({ id: 31000001 });
  });

  it('sends the Bearer token, our User-Agent (product and the package.json version) and JSON bodies', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const client = await testAmoClient({ publicUrl: 'https://proxy.example.com' });
    await client.account.get();
    await client.customers.createBatch([{ name: 'Покупатель' }]);
    const [read, write] = ctx.fake.requests;
    expect(read).toMatchObject({ method: 'GET', auth: 'Bearer access-1', userAgent: `moysklad-amocrm/${version} (+https://proxy.example.com)`, contentType: null });
    expect(write).toMatchObject({ method: 'POST', userAgent: `moysklad-amocrm/${version} (+https://proxy.example.com)`, contentType: 'application/json', body: [{ name: 'Покупатель' }] });
  });

  it('a block clears itself when amoCRM answers the one probe sent after the cool-down', async () => {
    let hits = 0;
    let blockPage = true;
    ctx.server.use(
      http.get(`${AMO_BASE}/api/v4/account`, () => {
        hits += 1;
        return blockPage ? new HttpResponse('<html><body>403 Forbidden nginx</body></html>', { status: 403, headers: { 'Content-Type': 'text/html' } }) : undefined;
      }),
    );
    let now = 1_700_000_000_000; // the limiters' clock: the cool-down passes without waiting 15 minutes
    const store = new InMemoryRateLimitStore();
    const limiter = () => new AmoAccountLimiter({ store, now: () => now, probeCooldownMs: 15 * 60_000 });
    const first = await testAmoClient({ limiter: limiter() });
    const second = await testAmoClient({ limiter: limiter() }); // another process sharing the database's amo_rate row

    await expect(first.account.get()).rejects.toBeInstanceOf(AmoBlockedError);
    now += 15 * 60_000 - 1;
    await expect(second.account.get()).rejects.toBeInstanceOf(AmoBlockedError);
    expect(hits).toBe(1); // nothing leaves during the cool-down

    now += 1; // the probe is due; amoCRM still shows its block page
    await expect(second.account.get()).rejects.toBeInstanceOf(AmoBlockedError);
    await expect(first.account.get()).rejects.toBeInstanceOf(AmoBlockedError);
    expect(hits).toBe(2); // one probe, not every waiting call

    now += 15 * 60_000;
    blockPage = false; // support lifted the block
    await expect(first.account.get()).resolves.toMatchObject({ id: 31000001 }); // the probe, answered
    expect(await store.getBlocked('31000001', now)).toBeNull();
    await expect(second.account.get()).resolves.toMatchObject({ id: 31000001 });
    expect(hits).toBe(4);
  });

  it('429 storm: exponential backoff (≥ the minimum), slows the pace, then succeeds', async () => {
    let refusals = 3;
    const stamps: number[] = [];
    ctx.server.use(http.get(`${AMO_BASE}/api/v4/account`, () => (stamps.push(Date.now()), refusals-- > 0 ? problem(429, 'Too Many Requests') : undefined)));
    // Pacing of ~2 ms (timeScale 0.01), so the gaps below come from the backoff, not from the even spacing.
    const limiter = new AmoAccountLimiter({ timeScale: 0.01 });
    const unthrottled = limiter.spacingMs('31000001');
    const client = await testAmoClient({ limiter, retry: { minBackoffMs: 20, maxBackoffMs: 1000 } });
    await expect(client.account.get()).resolves.toMatchObject({ id: 31000001 });
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
    // Each of the three 429s halved the pace: calls are now spaced 8× wider than before the storm.
    expect(limiter.spacingMs('31000001')).toBeCloseTo(unthrottled * 8);
    expect(limiter.spacingMs('another-account')).toBeCloseTo(unthrottled);

    ctx.server.use(http.get(`${AMO_BASE}/api/v4/account`, () => problem(429, 'Too Many Requests')));
    await expect((await testAmoClient({ retry: { minBackoffMs: 1, maxBackoffMs: 2, maxRateLimitRetries: 2 } })).account.get()).rejects.toBeInstanceOf(AmoRateLimitError);
  });

  it('5xx on reads is retried; on writes it is surfaced (a write may have been applied)', async () => {
    let failures = 1;
    ctx.server.use(http.get(`${AMO_BASE}/api/v4/account`, () => (failures-- > 0 ? problem(502, 'Bad Gateway') : undefined)));
    await expect((await testAmoClient()).account.get()).resolves.toMatchObject({ id: 31000001 });
    let posts = 0;
    ctx.server.use(http.post(`${AMO_BASE}/api/v4/webhooks`, () => (posts++, problem(500, 'Internal'))));
    const error = (await (await testAmoClient()).account.subscribeWebhook('https://proxy.example.com/h', ['add_customer']).catch((e: unknown) => e)) as AmoError;
    expect(error.status).toBe(500);
    expect(posts).toBe(1);
  });

  it('network errors: reads are retried, writes are surfaced as AmoNetworkError', async () => {
    let drops = 2;
    ctx.server.use(http.get(`${AMO_BASE}/api/v4/account`, () => (drops-- > 0 ? HttpResponse.error() : undefined)));
    await expect((await testAmoClient()).account.get()).resolves.toMatchObject({ id: 31000001 });
    let posts = 0;
    ctx.server.use(http.post(`${AMO_BASE}/api/v4/customers`, () => (posts++, HttpResponse.error())));
    await expect((await testAmoClient()).customers.createBatch([{ name: 'A' }])).rejects.toBeInstanceOf(AmoNetworkError);
    expect(posts).toBe(1);
  });

  it('an unexpected shape is a typed error with the path', async () => {
    ctx.server.use(http.get(`${AMO_BASE}/api/v4/account`, () => HttpResponse.json({ id: 'x', subdomain: 'demo', customers_mode: 'segments' })));
    const error = (await (await testAmoClient()).account.get().catch((e: unknown) => e)) as AmoResponseShapeError;
    expect(error).toBeInstanceOf(AmoResponseShapeError);
    expect(error.path).toBe('id');
  });

  it('never follows a link to a foreign host with our token', async () => {
    const client = await testAmoClient();
    expect(() => client.transport.resolveUrl('https://evil.example.com/steal')).toThrow(AmoError);
    expect(client.transport.resolveUrl('https://other.amocrm.ru/api/v4/customers?page=2')).toBe(`${AMO_BASE}/api/v4/customers?page=2`);
  });
});
