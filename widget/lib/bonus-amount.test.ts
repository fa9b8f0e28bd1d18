import { describe, expect, it } from 'vitest';
import { checkBonusAmount, parseWholeNumber } from './bonus-amount.js';

const bounds = { minAmount: 1, maxAmount: 500 };

describe('checkBonusAmount', () => {
  it('accepts whole numbers within the bounds', () => {
    expect(checkBonusAmount(' 25 ', 'accrue', bounds, 0)).toEqual({ ok: true, amount: 25 });
    expect(checkBonusAmount('500', 'redeem', bounds, 500)).toEqual({ ok: true, amount: 500 });
  });

  it('accepts a thousands separator: a space of any kind, or the locale\'s own', () => {
    const wide = { minAmount: 1, maxAmount: 100_000 };
    for (const raw of ['1 000', '1\u00a0000', '1\u202f000', ' 12 500 ', '100 000']) {
      expect(checkBonusAmount(raw, 'accrue', wide, 0), JSON.stringify(raw)).toEqual({ ok: true, amount: Number(raw.replace(/\D/g, '')) });
    }
    expect(parseWholeNumber('1,000', 'en-US')).toBe(1000);
    expect(parseWholeNumber('1,000', 'ru-RU')).toBeNull(); // a decimal comma in Russian, not a group
    for (const raw of ['1 00', '1  000', '1 0000', '1 000 0', '1,5', '1.000']) expect(parseWholeNumber(raw, 'ru-RU'), raw).toBeNull();
  });

  it('rejects empty, fractional, negative, zero and out-of-bounds values', () => {
    for (const raw of ['', '1.5', '-3', '0', '501', '1e2', 'abc']) {
      expect(checkBonusAmount(raw, 'accrue', bounds, 1000), raw).toEqual({ ok: false, reason: 'invalid', min: 1, max: 500 });
    }
  });

  it('never allows zero even when the proxy says minAmount 0', () => {
    expect(checkBonusAmount('0', 'accrue', { minAmount: 0, maxAmount: 10 }, 0)).toMatchObject({ ok: false, min: 1 });
  });

  it('refuses to redeem more than the balance', () => {
    expect(checkBonusAmount('100', 'redeem', bounds, 99)).toEqual({ ok: false, reason: 'insufficient', balance: 99 });
    expect(checkBonusAmount('100', 'accrue', bounds, 0)).toEqual({ ok: true, amount: 100 });
  });
});
