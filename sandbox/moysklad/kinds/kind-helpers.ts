import { ApiError } from '../api-error.js';
import type { KindServices } from '../core-types.js';
import { ref, refMeta, refTarget, type RefMeta } from '../references.js';
import type { Doc } from '../store.js';
import { FIXED_IDS } from '../fixtures.js';
import { toMskSeconds } from '../msk-time.js';

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The server fills `externalCode` with a random 22-character string when the client sends none.
 * Not a secret, so Math.random is enough (and much cheaper for bulk seeds).
 */
export function randomExternalCode(): string {
  let code = '';
  for (let i = 0; i < 22; i++) code += CODE_ALPHABET[Math.floor(Math.random() * CODE_ALPHABET.length)];
  return code;
}

/**
 * A field has a wrong value. The exact code the real service uses varies by field and is not
 * documented for each case (unconfirmed); 2016 «Неверное значение поля» is used throughout.
 */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError(412, 2016, `Неверное значение поля '${field}': ${message}`, { parameter: field });
}

/** The referenced object must exist and be of the expected type; returns it. */
export function requireRef(doc: Doc, field: string, type: string, services: KindServices): Doc {
  const target = refTarget(doc[field]);
  if (!target || target.type !== type) throw invalidField(field, `ожидается ссылка на '${type}'`);
  const found = services.store.get(type, target.id);
  if (!found)
    throw new ApiError(412, 1021, `Объект с типом '${type}' и идентификатором '${target.id}' не найден`, {
      parameter: field,
    });
  return found;
}

export function refIdOf(value: unknown, type?: string): string | undefined {
  const target = refTarget(value);
  if (!target || (type && target.type !== type)) return undefined;
  return target.id;
}

/** Documents whose `field` references the given object, as dependency metas for a 409. */
export function referencingDocs(
  services: KindServices,
  types: readonly string[],
  matches: (doc: Doc) => boolean,
): RefMeta[] {
  const found: RefMeta[] = [];
  for (const type of types) for (const doc of services.store.list(type)) if (matches(doc)) found.push(refMeta(type, doc.id));
  return found;
}

export function setDefault(doc: Doc, field: string, value: unknown): void {
  if (doc[field] === undefined) doc[field] = value;
}

export const rubCurrency = () => ref('currency', FIXED_IDS.currencyRub);

/**
 * Default `moment`: stored to the MINUTE («moment … хранятся с точностью до минут», md/_general.md); the documented
 * bonustransaction response shows `moment: "2018-09-13 12:36:00"` next to `executionDate: "…12:36:26"`. So several
 * documents of one minute share a `moment` — clients must not use it as a unique or strictly increasing key.
 */
export function momentNow(services: KindServices): string {
  return `${toMskSeconds(services.now()).slice(0, 16)}:00.000`;
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
