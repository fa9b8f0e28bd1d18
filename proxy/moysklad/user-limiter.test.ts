import { describe, expect, it } from 'vitest';
import { MoySkladUserLimiter } from './user-limiter.js';

/** Virtual time: sleeping advances the clock instantly, so multi-second pacing is checked in microseconds. */
function virtualClock() {
  let now = 5_000_000;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

const maxInWindow = (stamps: number[], windowMs: number) =>
  Math.max(...stamps.map((start) => stamps.filter((t) => t >= start && t < start + windowMs).length));

describe('МойСклад per-user limiter', () => {
  it('sends one probe until the first response tells the budget, then opens up to maxParallel', async () => {
    const limiter = new MoySkladUserLimiter({ maxParallel: 4, ...virtualClock() });
    const first = await limiter.acquire();
    let secondStarted = false;
    const second = limiter.acquire().then((release) => ((secondStarted = true), release));
    await Promise.resolve();
    expect(secondStarted).toBe(false);
    limiter.observe({});
    first();
    (await second)();
    const releases = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(limiter.snapshot().inFlight).toBe(4);
    let fifthStarted = false;
    const fifth = limiter.acquire().then((release) => ((fifthStarted = true), release));
    await Promise.resolve();
    expect(fifthStarted).toBe(false);
    releases[0]!();
    (await fifth)();
    releases.slice(1).forEach((release) => release());
  });

  it('spreads requests evenly from the headers: never more than X-RateLimit-Limit per interval', async () => {
    const clock = virtualClock();
    const limiter = new MoySkladUserLimiter(clock);
    const stamps: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const release = await limiter.acquire();
      stamps.push(clock.now());
      limiter.observe({ limit: 11, intervalMs: 3000, remaining: 11 });
      release();
    }
    expect(maxInWindow(stamps.slice(1), 3000)).toBeLessThanOrEqual(11);
    const rate = (stamps.length - 2) / ((stamps.at(-1)! - stamps[1]!) / 3000);
    expect(rate).toBeGreaterThan(9); // ≈ 90% headroom of 11 per 3 s
  });

  it('follows a changed budget without code changes (45 → 11 per 3 s), bursting up to it', async () => {
    const clock = virtualClock();
    const limiter = new MoySkladUserLimiter(clock);
    (await limiter.acquire())();
    limiter.observe({ limit: 45, intervalMs: 3000, remaining: 45 });
    const t0 = clock.now();
    for (let i = 0; i < 44; i += 1) (await limiter.acquire())();
    expect(clock.now()).toBe(t0); // 45 in the window: no wait at all
    (await limiter.acquire())();
    expect(clock.now() - t0).toBeCloseTo(3000 / 0.95 + 25, 0); // the 46th waits for the first to leave the (widened) window

    limiter.observe({ limit: 11, intervalMs: 3000, remaining: 11 });
    const stamps: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      (await limiter.acquire())();
      stamps.push(clock.now());
    }
    expect(maxInWindow(stamps, 3000)).toBeLessThanOrEqual(11);
    const rate = (stamps.length - 1) / ((stamps.at(-1)! - stamps[0]!) / 3000);
    expect(rate).toBeGreaterThan(10); // ≈ 95% of 11 per 3 s
  });

  it('bulk work leaves the last starts of a window to live requests and steps aside while one waits', async () => {
    const clock = virtualClock();
    const limiter = new MoySkladUserLimiter({ ...clock, liveReserve: 2 });
    (await limiter.acquire('bulk'))();
    limiter.observe({ limit: 11, intervalMs: 3000, remaining: 11 });
    const t0 = clock.now();
    for (let i = 0; i < 8; i += 1) (await limiter.acquire('bulk'))();
    expect(clock.now()).toBe(t0); // 9 bulk starts in the window
    // A tenth bulk start would wait; a live one goes at once, twice.
    (await limiter.acquire('live'))();
    (await limiter.acquire('live'))();
    expect(clock.now()).toBe(t0);

    // While a live request waits for a parallel slot, bulk requests queue behind it.
    const fresh = new MoySkladUserLimiter({ ...virtualClock(), maxParallel: 1 });
    (await fresh.acquire())();
    fresh.observe({ limit: 100, intervalMs: 1000, remaining: 100 });
    const holder = await fresh.acquire('bulk');
    const order: string[] = [];
    const bulk = fresh.acquire('bulk').then((release) => (order.push('bulk'), release()));
    const live = fresh.acquire('live').then((release) => (order.push('live'), release()));
    holder();
    await Promise.all([bulk, live]);
    expect(order).toEqual(['live', 'bulk']);
  });

  it('slows down as Remaining shrinks and waits for the reset at 0', async () => {
    const clock = virtualClock();
    const limiter = new MoySkladUserLimiter(clock);
    (await limiter.acquire())();
    limiter.observe({ limit: 10, intervalMs: 1000, remaining: 1 });
    (await limiter.acquire())(); // spends the last unit locally
    limiter.observe({ limit: 10, intervalMs: 1000, remaining: 0, resetMs: 700 });
    const before = clock.now();
    (await limiter.acquire())();
    expect(clock.now() - before).toBeGreaterThanOrEqual(700);
  });

  it('pauses everyone after a rate 429 and sheds/restores parallelism after a parallel 429', async () => {
    const clock = virtualClock();
    const limiter = new MoySkladUserLimiter({ ...clock, restoreParallelAfterMs: 1000 });
    (await limiter.acquire())();
    limiter.observe({});
    limiter.onRateLimited('rate', 2500);
    const before = clock.now();
    (await limiter.acquire())();
    expect(clock.now() - before).toBeGreaterThanOrEqual(2500);

    limiter.onRateLimited('parallel', undefined);
    limiter.onRateLimited('parallel', undefined);
    expect(limiter.snapshot().parallelLimit).toBe(2);
    await clock.sleep(1000);
    (await limiter.acquire())();
    expect(limiter.snapshot().parallelLimit).toBe(3);
    await clock.sleep(1000);
    (await limiter.acquire())();
    expect(limiter.snapshot()).toMatchObject({ parallelLimit: 4, parallelLimited: 2, rateLimited: 1 });
  });

  it('validates its options', () => {
    expect(() => new MoySkladUserLimiter({ maxParallel: 6 })).toThrow(RangeError);
    expect(() => new MoySkladUserLimiter({ headroom: 0 })).toThrow(RangeError);
  });
});
