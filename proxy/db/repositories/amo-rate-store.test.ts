import { expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { AmoRateStore } from './amo-rate-store.js';

describeEachDatabase('AmoRateStore', (kind) => {
  const database = useTestDatabase(kind);
  const T = 1_700_000_000_000;

  it('hands out distinct, evenly spaced send times across connections', async () => {
    const a = new AmoRateStore(database().db, database().dialect);
    const b = new AmoRateStore(database().connectAgain().db, database().dialect);
    const reservations = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).reserveSlot('42', 150, T)));
    const times = reservations.map((r) => ('sendAt' in r ? r.sendAt : NaN)).sort((x, y) => x - y);
    expect(times).toEqual(Array.from({ length: 8 }, (_, i) => T + i * 150));
    // Later, an idle account sends at once.
    expect(await a.reserveSlot('42', 150, T + 10_000)).toEqual({ sendAt: T + 10_000 });
    expect(await a.reserveSlot('43', 150, T)).toEqual({ sendAt: T });
  });

  it('pushBack delays everyone; a block stops reservations until it is cleared, whatever the time', async () => {
    const store = new AmoRateStore(database().db, database().dialect);
    await store.pushBack('42', T + 5_000);
    expect(await store.reserveSlot('42', 150, T)).toEqual({ sendAt: T + 5_000 });

    const block = { since: T, probeAt: T + 60_000, reason: '403 too many requests' };
    await store.setBlocked('42', block);
    expect(await store.reserveSlot('42', 150, T + 1_000)).toEqual({ blocked: block });
    // Past probeAt it is still blocked: only the probe (claimProbe) goes, never the whole queue at once.
    expect(await store.reserveSlot('42', 150, T + 10 ** 9)).toEqual({ blocked: block });
    expect(await store.getBlocked('42', T + 10 ** 9)).toEqual(block);

    await store.setBlocked('42', { since: T, probeAt: null, reason: 'blocked by amoCRM' });
    expect(await store.getBlocked('42', T + 10 ** 9)).toEqual({ since: T, probeAt: null, reason: 'blocked by amoCRM' });
    await store.setBlocked('42', null);
    expect(await store.getBlocked('42', T)).toBeNull();
    expect(await store.reserveSlot('42', 150, T + 10_000)).toEqual({ sendAt: T + 10_000 });
  });

  it('gives a due probe to exactly one caller across connections, then not again before the next one is due', async () => {
    const a = new AmoRateStore(database().db, database().dialect);
    const b = new AmoRateStore(database().connectAgain().db, database().dialect);
    await a.setBlocked('45', { since: T, probeAt: T + 1_000, reason: 'HTTP 403' });
    expect(await a.claimProbe('45', T + 999, T + 2_000)).toBe(false); // not due yet
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claimProbe('45', T + 1_000, T + 901_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await b.getBlocked('45', T + 1_000)).toEqual({ since: T, probeAt: T + 901_000, reason: 'HTTP 403' });
    expect(await a.claimProbe('45', T + 900_999, T + 2_000_000)).toBe(false);
    expect(await a.claimProbe('45', T + 901_000, T + 2_000_000)).toBe(true);
    // Never for an account that is not blocked, or whose block only a human clears.
    expect(await a.claimProbe('46', T, T + 1)).toBe(false);
    await a.setBlocked('47', { since: T, probeAt: null, reason: 'HTTP 403' });
    expect(await a.claimProbe('47', T + 10 ** 9, T + 1)).toBe(false);
  });

  it('accepts the fractional spacing of 7 rps (and scaled windows), rounding it up to whole milliseconds', async () => {
    const store = new AmoRateStore(database().db, database().dialect);
    const spacing = (1000 / 7) * 1.1; // 157.14… ms
    const first = await store.reserveSlot('44', spacing, T + 0.4);
    const second = await store.reserveSlot('44', spacing, T + 0.4);
    expect(first).toEqual({ sendAt: T });
    expect(second).toEqual({ sendAt: T + 158 });
    await store.pushBack('44', T + 1000.2);
    expect(await store.reserveSlot('44', spacing, T)).toEqual({ sendAt: T + 1001 });
  });
});
