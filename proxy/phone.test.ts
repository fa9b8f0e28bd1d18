import { describe, expect, it } from 'vitest';
import { normalizeMobilePhone, normalizePhone, phoneDigits } from './phone.js';

describe('the one phone rule (libphonenumber, Russia by default, E.164)', () => {
  it('spellings of one Russian mobile number are one number', () => {
    for (const spelling of ['+7 999 100-00-01', '8 (999) 100-00-01', '89991000001', '9991000001', '7 999 100 00 01', '007 999 100-00-01', '+7 999 100-00-01 доб. 1', '+7 999 100-00-01 ext. 1', '+79991000001#2', '  +7(999)1000001 ']) {
      expect(normalizeMobilePhone(spelling), spelling).toBe('+79991000001');
      expect(normalizePhone(spelling), spelling).toBe('+79991000001');
    }
  });

  it('foreign numbers keep their country; 8 10 and 00 are the international prefix', () => {
    expect(normalizeMobilePhone('+375 29 123 45 67')).toBe('+375291234567');
    expect(normalizeMobilePhone('8 10 375 29 123 45 67')).toBe('+375291234567');
    expect(normalizeMobilePhone('00 375 29 123 45 67')).toBe('+375291234567');
  });

  it('refuses what is not a valid number, and the referral page refuses what is not a mobile one', () => {
    for (const junk of ['00000000000', 'tel:1-2-3-4-5-6-7-8-9', '12', '', '+7 000 000-00-00', 'not a phone', '1'.repeat(40)]) {
      expect(normalizePhone(junk), junk).toBeNull();
      expect(normalizeMobilePhone(junk), junk).toBeNull();
    }
    expect(normalizePhone(undefined)).toBeNull();
    expect(normalizePhone('+7 495 123-45-67')).toBe('+74951234567'); // a Moscow landline is a phone for the sync…
    expect(normalizeMobilePhone('+7 495 123-45-67')).toBeNull(); // …but no referral account
    expect(normalizeMobilePhone('8 800 555-35-35')).toBeNull();
  });

  it('digits for keys and searches', () => {
    expect(phoneDigits('+79991000001')).toBe('79991000001');
  });
});
