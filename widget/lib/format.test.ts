import { describe, expect, it } from 'vitest';
import { formatShopDateTime } from './format.js';

/** Intl uses (narrow) no-break spaces; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatShopDateTime', () => {
  it('shows the moment on the shop’s Moscow clock with the zone label, whatever the input offset', () => {
    // The same instant written in Moscow time and in UTC: both read 12:30 МСК, as the amoCRM note says.
    expect(plain(formatShopDateTime('2026-03-02T12:30:00+03:00', 'ru-RU', 'МСК'))).toBe('2 мар. 2026 г., 12:30 МСК');
    expect(plain(formatShopDateTime('2026-03-02T09:30:00Z', 'ru-RU', 'МСК'))).toBe('2 мар. 2026 г., 12:30 МСК');
    expect(plain(formatShopDateTime('2026-03-02T12:30:00+03:00', 'en-US', 'MSK'))).toBe('Mar 2, 2026, 12:30 PM MSK');
  });

  it('keeps the Moscow date across midnight in other zones', () => {
    // 22:30 UTC on 1 March is already 01:30 on 2 March in Moscow.
    expect(plain(formatShopDateTime('2026-03-01T22:30:00Z', 'ru-RU', 'МСК'))).toBe('2 мар. 2026 г., 01:30 МСК');
  });

  it('shows an unreadable value as it came', () => {
    expect(formatShopDateTime('yesterday', 'ru-RU', 'МСК')).toBe('yesterday');
  });
});
