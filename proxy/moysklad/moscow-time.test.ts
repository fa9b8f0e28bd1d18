import { describe, expect, it } from 'vitest';
import { parseMoscow, toMoscowIso, toMoscowString } from './moscow-time.js';

describe('Moscow time', () => {
  it('formats an instant as МойСклад wall-clock time (UTC+3, no offset)', () => {
    expect(toMoscowString(new Date('2023-08-14T18:34:00.817Z'))).toBe('2023-08-14 21:34:00.817');
    expect(toMoscowString(new Date('2026-12-31T22:00:00Z'), false)).toBe('2027-01-01 01:00:00');
  });

  it('parses every accepted precision back to the same instant', () => {
    expect(parseMoscow('2023-08-14 21:34:00.817').toISOString()).toBe('2023-08-14T18:34:00.817Z');
    expect(parseMoscow('2016-06-07 10:45:16').toISOString()).toBe('2016-06-07T07:45:16.000Z');
    expect(parseMoscow('2016-04-18 15:48').toISOString()).toBe('2016-04-18T12:48:00.000Z');
    expect(parseMoscow('1970-01-01 03:00:00').getTime()).toBe(0); // the documented minimum filter value
  });

  it('writes an instant as ISO-8601 on the Moscow clock, offset explicit, the same instant', () => {
    const iso = toMoscowIso(parseMoscow('2026-03-12 00:05:00.250'));
    expect(iso).toBe('2026-03-12T00:05:00.250+03:00');
    expect(new Date(iso).toISOString()).toBe('2026-03-11T21:05:00.250Z');
  });

  it('round-trips', () => {
    const date = new Date('2026-02-28T21:59:59.999Z');
    expect(parseMoscow(toMoscowString(date)).getTime()).toBe(date.getTime());
  });

  it('rejects strings that are not МойСклад timestamps or do not exist', () => {
    expect(() => parseMoscow('2023-08-14T21:34:00Z')).toThrow(RangeError);
    expect(() => parseMoscow('2026-02-31 10:00:00')).toThrow(/no such date/);
    expect(() => toMoscowString(new Date('nope'))).toThrow(RangeError);
  });
});
