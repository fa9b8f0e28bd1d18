import { toMoscowString } from './moscow-time.js';

/** МойСклад `filter=` operators. `~` contains, `~=` starts with, `=~` ends with. */
export type FilterOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~' | '~=' | '=~';
export type FilterValue = string | number | boolean | Date | null;
export type FilterCondition = readonly [field: string, operator: FilterOperator, value: FilterValue];

const FIELD_PATTERN = /^[A-Za-z][A-Za-z0-9_.]*$/;

/**
 * `;` separates conditions, so a literal one is written `\;` (documented). How a literal backslash is escaped is
 * unconfirmed, so backslashes are passed through untouched rather than guessed at.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/;/g, '\\;');
}

/**
 * Dates go out at whole seconds (the documented filter format): milliseconds in entity filters are unconfirmed.
 * Rounding is toward "more rows" — down for `>`/`>=`/`=`-like cursors, up for `<`/`<=` — so a sync cursor can
 * only re-read a row (deduped by id + updated downstream), never skip one.
 */
function formatDate(value: Date, operator: FilterOperator): string {
  const ms = value.getTime();
  const rounded = operator === '<' || operator === '<=' ? Math.ceil(ms / 1000) * 1000 : Math.floor(ms / 1000) * 1000;
  return toMoscowString(new Date(rounded), false);
}

function formatValue(value: FilterValue, operator: FilterOperator): string {
  if (value === null) return '';
  if (value instanceof Date) return formatDate(value, operator);
  return escapeFilterValue(String(value));
}

/**
 * Builds the raw (not yet URL-encoded) value of `filter=`. URL-encoding is left to the HTTP layer so that it is
 * done exactly once. `null` means "field is empty" (`field=`).
 */
export function buildFilter(conditions: readonly FilterCondition[]): string {
  return conditions
    .map(([field, operator, value]) => {
      if (!FIELD_PATTERN.test(field)) throw new RangeError(`buildFilter: bad field name ${JSON.stringify(field)}`);
      return `${field}${operator}${formatValue(value, operator)}`;
    })
    .join(';');
}
