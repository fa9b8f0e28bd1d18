import { ApiError } from './api-error.js';
import { normalizeMskTimestamp } from './msk-time.js';
import { isObject, relativeHref } from './references.js';

export type FilterOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~' | '~=' | '=~';

export interface FilterCondition {
  field: string;
  operator: FilterOperator;
  value: string;
}

/** Fields compared as МойСклад date-times; a malformed value is error 1035. */
const DATE_FIELDS = new Set(['created', 'updated', 'moment', 'deleted', 'birthDate', 'executionDate']);

// Longer operators first so that "updated>=x" is not read as "updated>" + "=x".
const CONDITION = /^([A-Za-z][A-Za-z0-9_.]*)(!=|>=|<=|~=|=~|=|>|<|~)(.*)$/s;

/** Splits on `;` but not on the escaped `\;`, which stands for a literal semicolon. */
function splitConditions(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === ';') {
      current += ';';
      i++;
    } else if (ch === ';') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.filter((p) => p.length > 0);
}

export function parseFilter(text: unknown): FilterCondition[] {
  if (text === undefined || text === '') return [];
  if (typeof text !== 'string') throw new ApiError(400, 1034, 'Параметр filter должен быть указан один раз');
  return splitConditions(text).map((part) => {
    const m = CONDITION.exec(part);
    if (!m) throw new ApiError(400, 1034, `Ошибка фильтрации: неверное условие '${part}'`, { parameter: 'filter' });
    const [, field, operator, rawValue] = m as unknown as [string, string, FilterOperator, string];
    let value = rawValue;
    if (DATE_FIELDS.has(field) && value !== '') {
      const normalized = normalizeMskTimestamp(value);
      if (!normalized)
        throw new ApiError(400, 1035, `Неверный формат даты '${value}', ожидается yyyy-MM-dd HH:mm:ss`, { parameter: field });
      value = normalized;
    }
    return { field, operator, value };
  });
}

function fieldValue(doc: Record<string, unknown>, path: string): unknown {
  let current: unknown = doc;
  for (const segment of path.split('.')) current = isObject(current) ? current[segment] : undefined;
  return current;
}

function compare(a: string | number, b: string | number, operator: FilterOperator): boolean {
  switch (operator) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '>': return a > b;
    case '<': return a < b;
    case '>=': return a >= b;
    case '<=': return a <= b;
    default: return false;
  }
}

/**
 * One condition against one value. `~` is "contains", `~=` "starts with", `=~` "ends with"
 * (case-insensitive, as in the wmakeev client's $contains/$st/$et).
 */
function matchesCondition(actual: unknown, { operator, value }: FilterCondition): boolean {
  const empty = actual === undefined || actual === null || actual === '' || (Array.isArray(actual) && actual.length === 0);
  if (value === '' && (operator === '=' || operator === '!=')) return operator === '=' ? empty : !empty;
  if (empty) return operator === '!=';
  if (Array.isArray(actual)) {
    const wanted = relativeHref(value) ?? value;
    const hit = actual.some((item) =>
      isObject(item) && isObject(item.meta) && typeof item.meta.href === 'string'
        ? relativeHref(item.meta.href) === wanted
        : String(item) === value,
    );
    return operator === '!=' ? !hit : operator === '=' ? hit : false;
  }
  if (isObject(actual) && isObject(actual.meta) && typeof actual.meta.href === 'string') {
    const wanted = relativeHref(value) ?? value;
    return compare(relativeHref(actual.meta.href) ?? '', wanted, operator);
  }
  if (typeof actual === 'boolean') return compare(String(actual), value, operator);
  if (typeof actual === 'number') {
    const number = Number(value);
    return !Number.isNaN(number) && compare(actual, number, operator);
  }
  const text = String(actual);
  switch (operator) {
    case '~': return text.toLowerCase().includes(value.toLowerCase());
    case '~=': return text.toLowerCase().startsWith(value.toLowerCase());
    case '=~': return text.toLowerCase().endsWith(value.toLowerCase());
    default: return compare(text, value, operator);
  }
}

/**
 * Repeated `=` on one field is OR (`sum=100;sum=150`); every other condition is ANDed
 * (repeated `!=` therefore excludes each value).
 */
export function matchesFilter(doc: Record<string, unknown>, conditions: FilterCondition[]): boolean {
  const equalsByField = new Map<string, FilterCondition[]>();
  for (const condition of conditions) {
    if (condition.operator === '=') {
      const group = equalsByField.get(condition.field) ?? [];
      group.push(condition);
      equalsByField.set(condition.field, group);
    } else if (!matchesCondition(fieldValue(doc, condition.field), condition)) return false;
  }
  for (const [field, group] of equalsByField) {
    const actual = fieldValue(doc, field);
    if (!group.some((condition) => matchesCondition(actual, condition))) return false;
  }
  return true;
}
