import { describe, expect, it } from 'vitest';
import { kopecksFromApi, kopecksToRoubles, kopecksToWholeRoubles, roublesToKopecks } from './money.js';

describe('money helpers', () => {
  it('turns МойСклад float kopecks into integers', () => {
    expect(kopecksFromApi(346347237000.0)).toBe(346347237000);
    expect(kopecksFromApi(300.4999)).toBe(300);
    expect(kopecksFromApi(-0.5)).toBe(-1);
    expect(() => kopecksFromApi(Number.NaN)).toThrow(RangeError);
  });

  it('converts between roubles and kopecks without float drift', () => {
    expect(roublesToKopecks(79.9)).toBe(7990);
    expect(roublesToKopecks(0.07)).toBe(7);
    expect(kopecksToRoubles(7990)).toBe(79.9);
    expect(kopecksToWholeRoubles(799_050)).toBe(7991);
    expect(() => kopecksToRoubles(1.5)).toThrow(RangeError);
  });
});
