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

  it('pushBack delays everyone; a block stops reservations until it ends or is cleared', async () => {
    const store = new AmoRateStore(database().db, database().dialect);
    await store.pushBack('42', T + 5_000);
    expect(await store.reserveSlot('42', 150, T)).toEqual({ sendAt: T + 5_000 });

    const block = { since: T, until: T + 60_000, reason: '403 too many requests' };
    await store.setBlocked('42', block);
    expect(await store.reserveSlot('42', 150, T + 1_000)).toEqual({ blocked: block });
    expect(await store.getBlocked('42', T + 60_000)).toBeNull();
    expect(await store.reserveSlot('42', 150, T + 60_000)).toEqual({ sendAt: T + 60_000 });

    await store.setBlocked('42', { since: T, until: null, reason: 'blocked by amoCRM' });
    expect(await store.getBlocked('42', T + 10 ** 9)).toEqual({ since: T, until: null, reason: 'blocked by amoCRM' });
    await store.setBlocked('42', null);
    expect(await store.getBlocked('42', T)).toBeNull();
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
