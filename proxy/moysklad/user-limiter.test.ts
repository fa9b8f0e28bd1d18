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

  it('follows a changed budget without code changes (45 → 11 per 3 s)', async () => {
    const clock = virtualClock();
    const limiter = new MoySkladUserLimiter(clock);
    (await limiter.acquire())();
    limiter.observe({ limit: 45, intervalMs: 3000, remaining: 45 });
    (await limiter.acquire())();
    const t0 = clock.now();
    (await limiter.acquire())();
    const fastGap = clock.now() - t0;
    limiter.observe({ limit: 11, intervalMs: 3000, remaining: 11 });
    (await limiter.acquire())();
    const t1 = clock.now();
    (await limiter.acquire())();
    expect(fastGap).toBeCloseTo(3000 / 45 / 0.9, 0);
    expect(clock.now() - t1).toBeCloseTo(3000 / 11 / 0.9, 0);
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
