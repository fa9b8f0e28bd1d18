import { describe, expect, it } from 'vitest';
import { FolderCache } from './rules/products.js';
import type { RuleContext } from './rule-context.js';
import { runStream, type StreamSpec } from './streams.js';

type Row = { id: string; updated: string };
const at = (second: number) => `2026-01-01 10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.000`;

/**
 * A collection paged like МойСклад: `updated >= from` (whole seconds), ordered by updated then id, `offset` pages of
 * `pageSize`, each page read from the live data when it is requested.
 */
function liveCollection(count: number, pageSize: number) {
  const rows: Row[] = Array.from({ length: count }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, updated: at(i) }));
  let clock = count;
  return {
    rows,
    touch(id: string) {
      rows.find((r) => r.id === id)!.updated = at(clock++);
    },
    async *read(from: Date | undefined): AsyncGenerator<Row> {
      const floor = from ? Math.floor(from.getTime() / 1000) * 1000 : -Infinity;
      for (let offset = 0; ; offset += pageSize) {
        const page = rows
          .filter((r) => Date.parse(`${r.updated.replace(' ', 'T')}+03:00`) >= floor)
          .sort((a, b) => a.updated.localeCompare(b.updated) || a.id.localeCompare(b.id))
          .slice(offset, offset + pageSize)
          .map((r) => ({ ...r }));
        yield* page;
        if (page.length < pageSize) return;
      }
    },
  };
}

async function applyAll(rowsPerQuery: number) {
  const collection = liveCollection(12, 3);
  const seen = new Set<string>();
  const spec: StreamSpec = {
    name: 'counterparty',
    path: '/entity/counterparty',
    baseFilter: [],
    rows: (_ctx, from) => collection.read(from),
    apply: async (_ctx, row) => {
      const { id } = row as Row;
      seen.add(id);
      // The shop sells to r01 while we page: its `updated` moves to the end of the order.
      if (id === 'r02') collection.touch('r01');
      if (id === 'r07') collection.touch('r04');
    },
  };
  let saved: string | null = null;
  const applied = await runStream({} as RuleContext, spec, { load: async () => saved, save: async (v) => void (saved = v) }, new FolderCache(), { overlapMs: 0, rowsPerQuery });
  return { seen, applied, all: collection.rows.map((r) => r.id), saved };
}

describe('runStream over offset pages', () => {
  it('offset paging alone skips a row when an earlier row is updated meanwhile (the hazard)', async () => {
    const { seen, all } = await applyAll(Number.POSITIVE_INFINITY);
    expect(all.filter((id) => !seen.has(id)).length).toBeGreaterThan(0);
  });

  it('restarting the query at the current row every few rows applies every row', async () => {
    const { seen, all, saved } = await applyAll(3);
    expect(all.filter((id) => !seen.has(id))).toEqual([]);
    expect(saved).toBe(at(13)); // the cursor ends at the newest change (r04 touched last)
  });

  it('a burst of rows in one second ends, each row applied once', async () => {
    const collection = liveCollection(10, 3);
    for (const row of collection.rows) row.updated = at(5).replace('.000', `.${row.id.slice(1)}0`);
    const counts = new Map<string, number>();
    const spec: StreamSpec = {
      name: 'product',
      path: '/entity/product',
      baseFilter: [],
      rows: (_ctx, from) => collection.read(from),
      apply: async (_ctx, row) => void counts.set((row as Row).id, (counts.get((row as Row).id) ?? 0) + 1),
    };
    const applied = await runStream({} as RuleContext, spec, { load: async () => null, save: async () => undefined }, new FolderCache(), { overlapMs: 0, rowsPerQuery: 3 });
    expect(applied).toBe(10);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
