import { describe, expect, it } from 'vitest';
import { buildFilter, escapeFilterValue } from './filter.js';
import { encodeQuery } from './transport.js';

describe('filter builder', () => {
  it('joins conditions with ; and formats dates as Moscow time', () => {
    expect(buildFilter([
      ['companyType', '=', 'individual'],
      ['updated', '>=', new Date('2025-12-31T21:00:00.750Z')],
      ['phone', '!=', null],
    ])).toBe('companyType=individual;updated>=2026-01-01 00:00:00;phone!=');
  });

  it('rounds dates toward more rows: down for lower bounds, up for upper bounds', () => {
    const date = new Date('2026-03-01T09:15:30.250Z');
    expect(buildFilter([['updated', '>', date]])).toBe('updated>2026-03-01 12:15:30');
    expect(buildFilter([['updated', '<=', date]])).toBe('updated<=2026-03-01 12:15:31');
    expect(buildFilter([['moment', '<', new Date('2026-03-01T09:15:30.000Z')]])).toBe('moment<2026-03-01 12:15:30');
  });

  it('escapes a literal ; so a value cannot inject another condition', () => {
    expect(escapeFilterValue('a;b')).toBe('a\\;b');
    expect(buildFilter([['externalCode', '=', 'op;archived=true']])).toBe('externalCode=op\\;archived=true');
  });

  it('rejects field names that could smuggle operators', () => {
    expect(() => buildFilter([['name=x;id', '=', '1']])).toThrow(RangeError);
  });

  it('is URL-encoded exactly once by the transport, spaces as %20', () => {
    expect(encodeQuery({ filter: 'updated>=2026-01-01 00:00:00;name=a\\;b', limit: 100, skip: undefined })).toBe(
      'filter=updated%3E%3D2026-01-01%2000%3A00%3A00%3Bname%3Da%5C%3Bb&limit=100',
    );
  });
});
