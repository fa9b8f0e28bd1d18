/**
 * What amoCRM accepts, decided in one place: every value the mapping writes is fitted here, so a long name or a huge
 * receipt is written shortened (the full value kept where it fits: a note) instead of being refused — a refused
 * value would park its job for good.
 *
 * Sources. amoCRM's API pages (www.amocrm.ru/developers/content/crm_platform/customers-api, contacts-api,
 * catalogs-api, events-and-notes) type the fields but print no lengths, except that a purchase's `price` and a
 * customer's `next_price` are `int`. The 255 for names is amoCRM's answer to longer ones (a 300-character buyer name
 * was refused, issue 11) and the length amoCRM gives the names on its own forms (an integration's name, oauth/
 * step-by-step); the sandbox emulator refuses the same. Text custom fields take what their names take (our values —
 * a card number, a МойСклад id, an article — are String(255) in МойСклад anyway). Notes and purchase comments are
 * capped at the 65 000 characters amoCRM gives a long text (an integration's description, oauth/step-by-step).
 */
export const AMO_LIMITS = {
  /** Customer, contact (also first and last name) and catalog element names. */
  name: 255,
  /** A text custom field's value (BONUS_CARD, MOYSKLAD_ID, SKU, EXTERNAL_ID). */
  text: 255,
  /** A textarea custom field's value (the catalog's DESCRIPTION). */
  longText: 65_000,
  /** A note's text, a purchase's comment. */
  noteText: 65_000,
  /** amoCRM's `int`: a purchase's `price` in whole roubles. */
  int: 2_147_483_647,
} as const;

const ELLIPSIS = '…';

/** A value shortened to `max` UTF-16 units (what amoCRM and JSON count), never splitting a surrogate pair. */
export interface Fitted {
  value: string;
  /** The value was shortened: the full one must be kept elsewhere (a note). */
  cut: boolean;
}

export function fitText(value: string, max: number): Fitted {
  if (value.length <= max) return { value, cut: false };
  let end = max - ELLIPSIS.length;
  // A high surrogate at the cut would leave half a character.
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { value: `${value.slice(0, end).trimEnd()}${ELLIPSIS}`, cut: true };
}

/**
 * A long text that ends with our marker line (notes, purchase comments): the body is shortened, the marker is kept
 * whole — a retry after a crash finds what it wrote by the marker.
 */
export function fitWithMarker(body: string, marker: string, max: number = AMO_LIMITS.noteText): string {
  const separator = '\n';
  if (body.length + separator.length + marker.length <= max) return `${body}${separator}${marker}`;
  return `${fitText(body, max - separator.length - marker.length).value}${separator}${marker}`;
}

/** amoCRM's `int` fields: a sum beyond it is written as the largest it takes (the exact sum stays in our note). */
export function fitPrice(roubles: number): number {
  return Math.max(0, Math.min(AMO_LIMITS.int, roubles));
}
