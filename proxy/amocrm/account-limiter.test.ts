import { describe, expect, it } from 'vitest';
import { AmoAccountLimiter } from './account-limiter.js';
import { AmoBlockedError } from './errors.js';
import { InMemoryRateLimitStore } from './rate-limit-store.js';

/** A virtual clock: sleeping advances time instantly, so pacing over many seconds is checked in milliseconds. */
function virtualClock() {
  let now = 1_000_000;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

function maxInAnyWindow(stamps: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < stamps.length; i += 1) best = Math.max(best, stamps.filter((t) => t >= stamps[i]! && t < stamps[i]! + windowMs).length);
  return best;
}

describe('amoCRM account limiter', () => {
  it('never lets more than 7 calls start in any second, and still reaches the paced ~5.6/s', async () => {
    const clock = virtualClock();
    const limiter = new AmoAccountLimiter({ ...clock });
    const stamps: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      await limiter.acquire('acc');
      stamps.push(clock.now());
    }
    expect(maxInAnyWindow(stamps, 1000)).toBeLessThanOrEqual(7);
    expect(maxInAnyWindow(stamps, 1050)).toBe(7); // 7 per second widened by the 5% arrival-jitter margin
    const rate = (stamps.length - 1) / ((stamps.at(-1)! - stamps[0]!) / 1000);
    expect(rate).toBeGreaterThan(6.6); // 7/s ÷ 1.05
  });

  it('an event-loop stall (timers firing late, together) does not bunch calls into one second', async () => {
    // Virtual timers: the driver advances the clock to the next timer; once, it jumps 600 ms further and fires
    // every timer that became due at the same instant — what a blocked event loop does to concurrent waiters.
    let now = 1_000_000;
    const timers: Array<{ at: number; resolve: () => void }> = [];
    const limiter = new AmoAccountLimiter({ now: () => now, sleep: (ms) => new Promise<void>((resolve) => void timers.push({ at: now + ms, resolve })) });
    const stamps: number[] = [];
    const all = Promise.all(Array.from({ length: 40 }, () => limiter.acquire('acc').then(() => void stamps.push(now))));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    let stalled = false;
    await settle();
    while (timers.length > 0) {
      timers.sort((a, b) => a.at - b.at);
      now = Math.max(now, timers[0]!.at);
      if (!stalled && stamps.length >= 10) {
        now += 600;
        stalled = true;
      }
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.resolve();
      }
      await settle();
    }
    await all;
    expect(stamps).toHaveLength(40);
    expect(maxInAnyWindow(stamps, 1000)).toBeLessThanOrEqual(7);
  });

  it('two processes sharing a store share one budget', async () => {
    const clock = virtualClock();
    const store = new InMemoryRateLimitStore();
    const a = new AmoAccountLimiter({ store, ...clock, requestsPerSecond: 5 });
    const b = new AmoAccountLimiter({ store, ...clock, requestsPerSecond: 5 });
    const stamps: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      await (i % 2 ? a : b).acquire('acc');
      stamps.push(clock.now());
    }
    expect(maxInAnyWindow(stamps, 1000)).toBeLessThanOrEqual(5);
  });

  it('slows down after a 429 and recovers after quiet periods', async () => {
    const clock = virtualClock();
    const limiter = new AmoAccountLimiter({ ...clock, slowdownRecoveryMs: 10_000 });
    const base = limiter.spacingMs('acc');
    await limiter.onRateLimited('acc', 1000);
    await limiter.onRateLimited('acc', 2000);
    expect(limiter.spacingMs('acc')).toBeCloseTo(base * 4);
    const before = clock.now();
    await limiter.acquire('acc');
    expect(clock.now() - before).toBeGreaterThanOrEqual(2000);
    await clock.sleep(20_000);
    expect(limiter.spacingMs('acc')).toBeCloseTo(base);
  });

  it('a blocked account throws at once until unblocked', async () => {
    const limiter = new AmoAccountLimiter({ ...virtualClock() });
    await limiter.block('acc', 'HTTP 403');
    await expect(limiter.acquire('acc')).rejects.toBeInstanceOf(AmoBlockedError);
    await expect(limiter.acquire('other')).resolves.toEqual({ probe: false });
    await limiter.unblock('acc');
    await expect(limiter.acquire('acc')).resolves.toEqual({ probe: false });
  });

  it('once a cool-down has passed, exactly one call of a blocked account goes out as a probe', async () => {
    const clock = virtualClock();
    const store = new InMemoryRateLimitStore();
    // Two limiters on one store: two processes sharing the database.
    const [a, b] = [new AmoAccountLimiter({ ...clock, store, probeCooldownMs: 60_000 }), new AmoAccountLimiter({ ...clock, store, probeCooldownMs: 60_000 })];
    const blockedSince = clock.now();
    await a.block('acc', 'HTTP 403');
    await clock.sleep(59_999);
    await expect(b.acquire('acc')).rejects.toBeInstanceOf(AmoBlockedError);
    await clock.sleep(1);
    const outcomes = await Promise.allSettled([a.acquire('acc'), b.acquire('acc'), a.acquire('acc'), b.acquire('acc')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value)).toEqual([{ probe: true }]);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => o.reason instanceof AmoBlockedError)).toBe(true);

    // The probe met the block page again: still blocked since the first 403, next probe one cool-down later.
    expect(await a.block('acc', 'HTTP 403 on GET /api/v4/account')).toMatchObject({ since: blockedSince, probeAt: clock.now() + 60_000 });
    await expect(a.acquire('acc')).rejects.toBeInstanceOf(AmoBlockedError);
    await clock.sleep(60_000);
    await expect(b.acquire('acc')).resolves.toEqual({ probe: true });
    await b.unblock('acc'); // the probe was answered
    await expect(a.acquire('acc')).resolves.toEqual({ probe: false });
  });

  it('refuses rates above amoCRM’s 7/s', () => {
    expect(() => new AmoAccountLimiter({ requestsPerSecond: 8 })).toThrow(RangeError);
  });
});
