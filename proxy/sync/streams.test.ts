import { describe, expect, it } from 'vitest';
import { EMPTY_POSITION, type StreamPosition } from '../db/repositories/sync-streams.js';
import { parseMoscow, toMoscowString } from '../moysklad/moscow-time.js';
import type { RuleContext } from './rule-context.js';
import { OVERLAP_MS, readPages, SETTLE_MS, type StreamSpec } from './streams.js';

type Row = { id: string; updated: string };
// Rows changed moments ago, as МойСклад stamps them (a read reaching the end now has not settled them yet).
const T0 = Math.floor((Date.now() - 30_000) / 1000) * 1000;
const at = (ms: number) => toMoscowString(new Date(T0 + ms));

/**
 * A collection paged like МойСклад: `updated >= from` (whole seconds), ordered by updated then id, `offset`/`limit`,
 * each page read from the live data when it is requested; `requests` counts the calls.
 */
function collection(limit: number) {
  const rows: Row[] = [];
  const state = { requests: 0, onPage: (_offset: number) => {} };
  const spec: StreamSpec<Row> = {
    async page(_ctx, from, offset) {
      state.requests += 1;
      const floor = from ? Math.floor(from.getTime() / 1000) * 1000 : -Infinity;
      const page = rows
        .filter((r) => parseMoscow(r.updated).getTime() >= floor)
        .sort((a, b) => parseMoscow(a.updated).getTime() - parseMoscow(b.updated).getTime() || a.id.localeCompare(b.id))
        .slice(offset, offset + limit)
        .map((r) => ({ ...r }));
      state.onPage(offset);
      return { rows: page, size: rows.length, limit };
    },
  };
  return { rows, spec, state };
}

async function pass(spec: StreamSpec<Row>, start: StreamPosition, apply: (row: Row) => void = () => {}) {
  let position = start;
  const applied: string[] = [];
  for await (const page of readPages({} as RuleContext, spec, start)) {
    for (const row of page.rows) {
      applied.push(row.id);
      apply(row);
    }
    position = page.position;
  }
  return { applied, position };
}

describe('readPages: keyset positions over МойСклад streams', () => {
  it('applies every row although rows are updated while the stream is read (offsets would shift)', async () => {
    const { rows, spec } = collection(3);
    for (let i = 0; i < 12; i += 1) rows.push({ id: `r${String(i).padStart(2, '0')}`, updated: at(i * 1000) });
    let clock = 12_000;
    const touch = (id: string) => (rows.find((r) => r.id === id)!.updated = at((clock += 1000)));
    const { applied, position } = await pass(spec, EMPTY_POSITION, (row) => {
      // The shop sells to r01 while we read: its `updated` moves to the end of the order.
      if (row.id === 'r02') touch('r01');
      if (row.id === 'r07') touch('r04');
    });
    expect(new Set(applied)).toEqual(new Set(rows.map((r) => r.id)));
    expect(position.updated).toBe(at(14_000));
    expect(position.reachedEndAt).not.toBeNull();
  });

  it('a burst in one second bigger than a page ends, each row once', async () => {
    const { rows, spec, state } = collection(3);
    for (let i = 0; i < 10; i += 1) rows.push({ id: `b${i}`, updated: at(5_000 + i) });
    const { applied } = await pass(spec, EMPTY_POSITION);
    expect(applied).toEqual(rows.map((r) => r.id));
    expect(state.requests).toBeLessThanOrEqual(12);
  });

  it('a same-second bulk of 500 is read once across passes: the next pass skips its second once settled', async () => {
    const { rows, spec, state } = collection(1000);
    for (let i = 0; i < 500; i += 1) rows.push({ id: `p${String(i).padStart(3, '0')}`, updated: at(1_000) });
    const first = await pass(spec, EMPTY_POSITION);
    expect(first.applied).toHaveLength(500);

    // Soon after (not settled yet): the overlap is re-read, but nothing in it is applied again.
    const soon = await pass(spec, first.position);
    expect(soon.applied).toEqual([]);

    // Later: the position settled, so the next read starts after its second and returns nothing.
    const settled = { ...first.position, reachedEndAt: parseMoscow(first.position.updated!).getTime() + SETTLE_MS + 1 };
    let rowsReturned = 0;
    state.onPage = () => {};
    const before = state.requests;
    const origin = spec.page;
    const counting: StreamSpec<Row> = { page: async (ctx, from, offset) => {
      const page = await origin(ctx, from, offset);
      rowsReturned += page.rows.length;
      return page;
    } };
    const later = await pass(counting, settled);
    expect(later.applied).toEqual([]);
    expect(rowsReturned).toBe(0);
    expect(state.requests - before).toBe(1);
  });

  it('a late commit inside the overlap window is applied on the next pass, and only it', async () => {
    const { rows, spec } = collection(1000);
    rows.push({ id: 'a', updated: at(10_000) }, { id: 'c', updated: at(12_000) });
    const first = await pass(spec, EMPTY_POSITION);
    expect(first.applied).toEqual(['a', 'c']);
    rows.push({ id: 'b', updated: at(11_000) }); // committed after we read c, with an earlier timestamp
    const second = await pass(spec, first.position);
    expect(second.applied).toEqual(['b']);
    expect(second.position.updated).toBe(at(12_000));
    rows.push({ id: 'old', updated: at(12_000 - OVERLAP_MS - 2_000) }); // beyond the overlap: deemed applied
    const third = await pass(spec, second.position);
    expect(third.applied).toEqual([]);
  });

  it('an entity changed again after it was applied is applied again', async () => {
    const { rows, spec } = collection(1000);
    rows.push({ id: 'a', updated: at(1_000) });
    const first = await pass(spec, EMPTY_POSITION);
    rows[0]!.updated = at(1_500);
    const second = await pass(spec, first.position);
    expect(second.applied).toEqual(['a']);
  });
});
