import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * The proxy's one phone rule, used by the referral page and by the sync alike: a number is parsed with Google's
 * libphonenumber metadata (libphonenumber-js, full "max" metadata so the number type is known), Russia as the
 * default region, and kept in E.164 (`+79991234567`). An extension ("доб. 1", "ext. 1", "#1") is not part of the
 * number. Anything the library does not consider a valid number is no phone at all.
 *
 * Russians also dial abroad with `00` (besides the official `8~10`), so a leading `00` is read as `+`; otherwise
 * `007 999 …` would parse as a (non-existent) Russian number instead of +7 999 ….
 */
const DEFAULT_REGION = 'RU';

function parse(raw: string | null | undefined): PhoneNumber | null {
  if (!raw) return null;
  const text = raw.trim().slice(0, 64);
  const international = text.replace(/^00(?=\s*[1-9])/, '+');
  const phone = parsePhoneNumberFromString(international, DEFAULT_REGION);
  return phone?.isValid() ? phone : null;
}

/** A valid number of any kind in E.164, or null (the sync sends amoCRM this form, or no phone). */
export function normalizePhone(raw: string | null | undefined): string | null {
  return parse(raw)?.number ?? null;
}

/**
 * A valid mobile number in E.164, or null: what the referral page accepts (a reward per person, and an SMS must be
 * able to reach it). Numbers whose type the metadata cannot tell apart (FIXED_LINE_OR_MOBILE) are accepted.
 */
export function normalizeMobilePhone(raw: string | null | undefined): string | null {
  const phone = parse(raw);
  const type = phone?.getType();
  return phone && (type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE') ? phone.number : null;
}

/** E.164 without the `+`: the digits keys and МойСклад searches use. */
export function phoneDigits(e164: string): string {
  return e164.replace(/\D/g, '');
}
