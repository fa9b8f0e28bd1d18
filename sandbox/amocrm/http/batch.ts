import type { z } from 'zod';
import { ApiProblem, ValidationProblem, type FieldError, type ValidationEntry } from './problem.js';

/**
 * Batch writes: the body is an array of ≤250 items, each optionally carrying a client `request_id` that is echoed
 * back (the item index as a string when absent). One invalid item rejects the whole batch, like amoCRM does.
 */

export const MAX_BATCH_SIZE = 250;

export interface BatchItem<T> {
  item: T;
  index: number;
  requestId: string;
}

function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown): FieldError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    const code = missing
      ? 'NotBlank'
      : issue.code === 'invalid_type'
        ? 'InvalidType'
        : issue.code === 'invalid_value' || issue.code === 'unrecognized_keys'
          ? 'NotSupportedChoice'
          : 'InvalidValue';
    return { code, path, detail: missing ? 'This value should not be blank.' : issue.message };
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function requestIdOf(raw: unknown, index: number): string {
  const candidate = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)['request_id'] : undefined;
  return typeof candidate === 'string' || typeof candidate === 'number' ? String(candidate) : String(index);
}

/**
 * Parses every item with `schema`, then runs `check` (domain rules, e.g. unknown custom fields) on the parsed ones.
 * Throws a ValidationProblem listing every failing item.
 */
export function parseBatch<T>(body: unknown, schema: z.ZodType<T>, check?: (item: T, index: number) => FieldError[]): BatchItem<T>[] {
  if (!Array.isArray(body)) throw new ApiProblem(400, 'Bad Request', 'Request body must be a JSON array');
  if (body.length === 0) throw new ApiProblem(400, 'Bad Request', 'Request body must not be empty');
  if (body.length > MAX_BATCH_SIZE) throw new ApiProblem(400, 'Bad Request', `At most ${MAX_BATCH_SIZE} entities per request`);
  const entries: ValidationEntry[] = [];
  const items: BatchItem<T>[] = [];
  body.forEach((raw: unknown, index) => {
    const requestId = requestIdOf(raw, index);
    const parsed = schema.safeParse(raw);
    const errors = parsed.success ? (check?.(parsed.data, index) ?? []) : zodIssuesToFieldErrors(parsed.error.issues, raw);
    if (errors.length > 0) entries.push({ request_id: requestId, errors });
    else if (parsed.success) items.push({ item: parsed.data, index, requestId });
  });
  if (entries.length > 0) throw new ValidationProblem(entries);
  return items;
}

/** Single-object bodies (PATCH /customers/{id}, bonus points, mode) report errors with request_id "0". */
export function parseSingle<T>(body: unknown, schema: z.ZodType<T>, check?: (item: T) => FieldError[]): T {
  const parsed = schema.safeParse(body);
  const errors = parsed.success ? (check?.(parsed.data) ?? []) : zodIssuesToFieldErrors(parsed.error.issues, body);
  if (errors.length > 0 || !parsed.success) throw new ValidationProblem([{ request_id: requestIdOf(body, 0), errors }]);
  return parsed.data;
}
