import { afterEach, describe, expect, it } from 'vitest';
import { maxAcceptedInWindow } from './rate-limiter.js';
import { closeStarted, startApi, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

describe('maxAcceptedInWindow', () => {
  it('finds the densest window', () => {
    expect(maxAcceptedInWindow([], 100)).toBe(0);
    expect(maxAcceptedInWindow([0, 10, 20, 150, 160], 100)).toBe(3);
    expect(maxAcceptedInWindow([0, 100, 200], 100)).toBe(1); // a request exactly one window later is in the next window
  });
});

describe('per-user request limits', () => {
  it('rejects the 12th request in a window with 429/1049 and the documented headers', async () => {
    // A manual limiter clock: the window arithmetic does not depend on machine load. timeScale 2 → 1500 ms.
    let clock = 1_000_000;
    api = await startApi({ timeScale: 2, rateLimitClock: () => clock });
    const answers = [];
    for (let i = 0; i < 12; i++) {
      answers.push(await api.call('GET', '/context/employee'));
      clock += 10;
    }
    expect(answers.slice(0, 11).every((r) => r.status === 200)).toBe(true);
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('11');
    expect(answers[0]!.headers.get('x-ratelimit-remaining')).toBe('10');
    expect(answers[10]!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(answers[0]!.headers.get('x-lognex-retry-timeinterval')).toBe('1500');

    const rejected = answers[11]!;
    expect(rejected.status).toBe(429);
    expect(rejected.body.errors[0].code).toBe(1049);
    expect(rejected.headers.get('x-lognex-auth')).toBe('429002');
    // The first request was accepted 110 ms before the 12th; it leaves the window 1500 − 110 ms later.
    expect(rejected.headers.get('x-lognex-retry-after')).toBe('1390');
    expect(rejected.headers.get('x-lognex-reset')).toBe('1390');

    clock = 1_000_000 + 1499;
    expect((await api.call('GET', '/context/employee')).status).toBe(429);
    clock = 1_000_000 + 1500;
    expect((await api.call('GET', '/context/employee')).status).toBe(200);

    const stats = api.emu.stats()['admin@demo']!;
    expect(stats).toMatchObject({ requests: 14, rejected429: 2, maxParallelSeen: 1 });
    expect(stats.timeline).toHaveLength(12);
    expect(api.emu.maxAcceptedInWindow('admin@demo')).toBe(11);
  });

  it('rejects the 6th parallel request with 429/1073 (X-Lognex-Auth 429005)', async () => {
    api = await startApi({ rateLimits: { requestsPerWindow: 100 } });
    api.emu.faults.latencyMs = 300; // keep the first five in flight
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.call('GET', '/context/employee')));
    const rejected = answers.filter((r) => r.status === 429);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.body.errors[0].code).toBe(1073);
    expect(rejected[0]!.headers.get('x-lognex-auth')).toBe('429005');
    expect(api.emu.stats()['admin@demo']!.maxParallelSeen).toBe(5);
    api.emu.faults.latencyMs = 0;
    expect((await api.call('GET', '/context/employee')).status).toBe(200); // slots were released
  });

  it('counts users separately', async () => {
    api = await startApi({
      rateLimitClock: () => 0,
      users: [
        { login: 'admin@demo', password: 'sandbox-password', isAdmin: true },
        { login: 'clerk@demo', password: 'p', isAdmin: false },
      ],
    });
    for (let i = 0; i < 11; i++) await api.call('GET', '/context/employee');
    expect((await api.call('GET', '/context/employee')).status).toBe(429);
    const other = await api.call('GET', '/context/employee', undefined, { Authorization: `Basic ${Buffer.from('clerk@demo:p').toString('base64')}` });
    expect(other.status).toBe(200);
    expect(Object.keys(api.emu.stats()).sort()).toEqual(['admin@demo', 'clerk@demo']);
  });
});

describe('per-account parallel limit', () => {
  it('rejects with 1073 once the account has parallelPerAccount requests in flight', async () => {
    const users = ['a@demo', 'b@demo'].map((login) => ({ login, password: 'p', isAdmin: true }));
    api = await startApi({ users, rateLimits: { requestsPerWindow: 100, parallelPerUser: 5, parallelPerAccount: 6 } });
    api.emu.faults.latencyMs = 300;
    const as = (login: string) => ({ Authorization: `Basic ${Buffer.from(`${login}:p`).toString('base64')}` });
    const answers = await Promise.all(
      [...Array(4).fill('a@demo'), ...Array(4).fill('b@demo')].map((login: string) => api.call('GET', '/context/employee', undefined, as(login))),
    );
    const rejected = answers.filter((r) => r.status === 429);
    expect(rejected).toHaveLength(2);
    expect(rejected.every((r) => r.body.errors[0].code === 1073)).toBe(true);
  });
});

describe('injected failures', () => {
  it('fails the next N requests with the given status', async () => {
    api = await startApi();
    api.emu.faults.failNextRequests = { count: 2, status: 503 };
    const a = await api.call('GET', '/context/employee');
    const b = await api.call('GET', '/context/employee');
    const c = await api.call('GET', '/context/employee');
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.body.errors[0].code).toBe(1074);
  });
});
