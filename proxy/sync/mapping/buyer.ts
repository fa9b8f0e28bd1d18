import type { Counterparty } from '../../moysklad/schemas/entities.js';
import { normalizePhone } from '../../phone.js';
import { AMO_LIMITS, fitText, fitWithMarker } from './amo-limits.js';

/**
 * The seed description: "Синхронизация контрагентов работает только с физ. лицами". МойСклад marks individuals
 * with `companyType` individual, and on KZ/UZ accounts with the regional variants.
 */
const INDIVIDUAL_COMPANY_TYPES = new Set(['individual', 'individualKZ', 'individualUZ']);

/** The default retail counterparty every account has; it stands for anonymous till sales, not for a person. */
const RETAIL_CUSTOMER_NAME = 'Розничный покупатель';

/** amoCRM customer custom-field codes we own (created idempotently on connect). */
export const BONUS_CARD_FIELD_CODE = 'BONUS_CARD';
export const BONUS_POINTS_FIELD_CODE = 'BONUS_POINTS';
/** Our third customer field: the МойСклад id, so a customer created just before a crash can be found again. */
export const MOYSKLAD_ID_FIELD_CODE = 'MOYSKLAD_ID';

function customerMarkerField(moyskladId: string): FieldValue {
  return { field_code: MOYSKLAD_ID_FIELD_CODE, values: [{ value: moyskladId }] };
}

export function isSyncableBuyer(counterparty: Counterparty): boolean {
  if (!counterparty.companyType || !INDIVIDUAL_COMPANY_TYPES.has(counterparty.companyType)) return false;
  // «Розничный покупатель» is legal in the docs' example, but accounts can change its type: exclude it by name too.
  return counterparty.name.trim() !== RETAIL_CUSTOMER_NAME;
}

/**
 * Phones are typed by hand at the till ("8 (912) 123-45-67", "+7 912 1234567"). amoCRM matches duplicates by the
 * stored text, so we send one canonical form: E.164 by the proxy's one phone rule (proxy/phone.ts, shared with the
 * referral page), or no phone when the text is not a valid number.
 */
export { normalizePhone };

function normalizeEmail(raw: string | undefined): string | null {
  const email = raw?.trim().toLowerCase();
  return email && email.includes('@') ? email : null;
}

export interface BuyerSnapshot {
  moyskladId: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  bonusCard: string | null;
  points: number;
}

/** What we keep of a counterparty: the fields the customer card, the contact and the read model need. */
export function buyerSnapshot(counterparty: Counterparty): BuyerSnapshot {
  return {
    moyskladId: counterparty.id,
    name: counterparty.name.trim() || counterparty.legalTitle?.trim() || counterparty.id,
    firstName: counterparty.legalFirstName?.trim() || null,
    lastName: counterparty.legalLastName?.trim() || null,
    phone: normalizePhone(counterparty.phone),
    email: normalizeEmail(counterparty.email),
    bonusCard: counterparty.discountCardNumber?.trim() || null,
    points: counterparty.bonusPoints ?? 0,
  };
}

export interface FieldValue {
  field_code: string;
  values: { value: string; enum_code?: string }[] | null;
}

/** Values of our two customer fields. `null` values clear a field (the official SDK sends `values: null`). */
export function customerFieldValues(buyer: Pick<BuyerSnapshot, 'bonusCard' | 'points'>): FieldValue[] {
  const card = buyer.bonusCard === null ? null : fitText(buyer.bonusCard, AMO_LIMITS.text).value;
  return [
    { field_code: BONUS_CARD_FIELD_CODE, values: card ? [{ value: card }] : null },
    { field_code: BONUS_POINTS_FIELD_CODE, values: [{ value: String(buyer.points) }] },
  ];
}

/** The amoCRM customer of a buyer: its name (fitted to amoCRM's limit), our two fields and our МойСклад id field. */
export function customerPayload(buyer: BuyerSnapshot): { name: string; custom_fields_values: FieldValue[] } {
  return { name: fitText(buyer.name, AMO_LIMITS.name).value, custom_fields_values: [...customerFieldValues(buyer), customerMarkerField(buyer.moyskladId)] };
}

/**
 * An e-mail longer than amoCRM takes cannot be shortened into a working address: it is left out of the contact (and
 * kept whole in the note, see `valuesCut`).
 */
const emailFits = (email: string) => email.length <= AMO_LIMITS.text;

/** The contact of a buyer: PHONE and EMAIL are amoCRM's system multitext fields, addressed by code. */
export function contactFields(buyer: BuyerSnapshot): {
  name: string;
  first_name?: string;
  last_name?: string;
  custom_fields_values: FieldValue[];
} {
  const fields: FieldValue[] = [];
  if (buyer.phone) fields.push({ field_code: 'PHONE', values: [{ value: buyer.phone, enum_code: 'MOB' }] });
  if (buyer.email && emailFits(buyer.email)) fields.push({ field_code: 'EMAIL', values: [{ value: buyer.email, enum_code: 'WORK' }] });
  return {
    name: fitText(buyer.name, AMO_LIMITS.name).value,
    ...(buyer.firstName ? { first_name: fitText(buyer.firstName, AMO_LIMITS.name).value } : {}),
    ...(buyer.lastName ? { last_name: fitText(buyer.lastName, AMO_LIMITS.name).value } : {}),
    custom_fields_values: fields,
  };
}

/** A buyer's value amoCRM got shortened (or not at all), with its label for the note that keeps it whole. */
export interface CutValue {
  label: string;
  full: string;
}

/** What of a buyer amoCRM's limits cut: the customer then gets a note with these values whole. */
export function valuesCut(buyer: BuyerSnapshot): CutValue[] {
  const cut: CutValue[] = [];
  const check = (label: string, value: string | null, max: number) => {
    if (value !== null && fitText(value, max).cut) cut.push({ label, full: value });
  };
  check('Имя', buyer.name, AMO_LIMITS.name);
  check('Имя (юр.)', buyer.firstName, AMO_LIMITS.name);
  check('Фамилия (юр.)', buyer.lastName, AMO_LIMITS.name);
  check('Бонусная карта', buyer.bonusCard, AMO_LIMITS.text);
  if (buyer.email && !emailFits(buyer.email)) cut.push({ label: 'E-mail', full: buyer.email });
  return cut;
}

/** The note that keeps a buyer's cut values whole; its marker names the buyer and these values (a digest). */
export function cutValuesNoteText(cut: readonly CutValue[], marker: string): string {
  const body = [
    `Не всё из МойСклад помещается в поля amoCRM (не длиннее ${AMO_LIMITS.name} символов): в карточке значения сокращены, полностью они такие.`,
    ...cut.map((value) => `${value.label}: ${value.full}`),
  ].join('\n');
  return fitWithMarker(body, marker);
}
