import { describe, expect, it } from 'vitest';
import { matchesFilter, parseFilter } from './filter.js';
import { normalizeMskTimestamp, toMskTimestamp } from './msk-time.js';
import { parseExpand } from './presenter.js';

describe('msk time', () => {
  it('writes Moscow time without offset and normalizes accepted inputs', () => {
    expect(toMskTimestamp(Date.UTC(2023, 7, 14, 18, 34, 0, 817))).toBe('2023-08-14 21:34:00.817');
    expect(normalizeMskTimestamp('2026-01-01 00:00')).toBe('2026-01-01 00:00:00.000');
    expect(normalizeMskTimestamp('2026-01-01 00:00:05.12')).toBe('2026-01-01 00:00:05.120');
    expect(normalizeMskTimestamp('2026-13-01 00:00:00')).toBeNull();
    expect(normalizeMskTimestamp('2026-01-01T00:00:00Z')).toBeNull();
  });
});

describe('parseFilter', () => {
  it('reads longer operators first and keeps escaped semicolons', () => {
    expect(parseFilter('updated>=2026-01-01 00:00;name=a\\;b;sum<=100;name=~x')).toEqual([
      { field: 'updated', operator: '>=', value: '2026-01-01 00:00:00.000' },
      { field: 'name', operator: '=', value: 'a;b' },
      { field: 'sum', operator: '<=', value: '100' },
      { field: 'name', operator: '=~', value: 'x' },
    ]);
  });

  it('rejects conditions without an operator (1034) and bad dates (1035)', () => {
    expect(() => parseFilter('name')).toThrow(expect.objectContaining({ code: 1034 }));
    expect(() => parseFilter('moment>yesterday')).toThrow(expect.objectContaining({ code: 1035 }));
  });
});

describe('matchesFilter', () => {
  const doc = {
    name: 'Камера', sum: 150, archived: false, tags: ['vip'],
    agent: { meta: { href: '/entity/counterparty/abc', type: 'counterparty' } },
  };
  const match = (filter: string) => matchesFilter(doc, parseFilter(filter));

  it('compares numbers, booleans, arrays and references', () => {
    expect(match('sum>100;sum<200')).toBe(true);
    expect(match('sum=100;sum=150')).toBe(true);
    expect(match('sum=100;sum=160')).toBe(false);
    expect(match('archived=false')).toBe(true);
    expect(match('archived=true;archived=false')).toBe(true);
    expect(match('tags=vip')).toBe(true);
    expect(match('agent=https://api.moysklad.ru/api/remap/1.2/entity/counterparty/abc')).toBe(true);
    expect(match('agent!=http://127.0.0.1:1/api/remap/1.2/entity/counterparty/abc')).toBe(false);
  });
});

describe('parseExpand', () => {
  it('builds a tree and cuts nesting beyond 3 levels', () => {
    const tree = parseExpand('agent,positions.assortment.productFolder.productFolder');
    expect([...tree.keys()]).toEqual(['agent', 'positions']);
    const folder = tree.get('positions')!.get('assortment')!.get('productFolder')!;
    expect(folder.size).toBe(0);
  });
});
