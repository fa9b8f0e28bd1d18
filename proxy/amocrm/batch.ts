import { AmoError, AmoValidationError, type AmoRejectedItem } from './errors.js';

/** amoCRM takes up to 250 entities per write; 50 is what it recommends. */
export const MAX_BATCH_SIZE = 250;
export const DEFAULT_BATCH_SIZE = 50;

export interface BatchOptions {
  batchSize?: number;
  /** Drop items amoCRM rejects (400 validation-errors) and send the rest again, instead of failing the batch. */
  skipInvalid?: boolean;
}

export interface BatchOutcome<Item, Result> {
  /** In input order, each with the result amoCRM returned for it. */
  done: Array<{ item: Item; result: Result }>;
  rejected: AmoRejectedItem<Item>[];
}

type WithRequestId = { request_id?: string };

/**
 * Sends `items` in chunks. Each item gets a `request_id` (its index unless it has one), which is how answers and
 * validation errors are matched back to items. On 504 a chunk is halved and the halves retried: amoCRM times out
 * on large writes. Note: a 504 may have applied part of a chunk, so callers write with stable keys
 * (EXTERNAL_ID, our id maps) and reconcile.
 */
export async function runBatch<Item extends object, Result extends WithRequestId>(
  items: readonly Item[],
  send: (chunk: Array<Item & { request_id: string }>) => Promise<Result[]>,
  options: BatchOptions = {},
): Promise<BatchOutcome<Item, Result>> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) throw new RangeError(`batchSize must be 1..${MAX_BATCH_SIZE}`);
  const tagged = items.map((item, index) => ({ ...item, request_id: (item as WithRequestId).request_id ?? String(index) }));
  const byRequestId = new Map(tagged.map((item, index) => [item.request_id, items[index]!]));
  if (byRequestId.size !== tagged.length) throw new RangeError('runBatch: request_id values must be unique');

  const outcome: BatchOutcome<Item, Result> = { done: [], rejected: [] };
  const pending: Array<Array<Item & { request_id: string }>> = [];
  for (let i = 0; i < tagged.length; i += batchSize) pending.push(tagged.slice(i, i + batchSize));

  while (pending.length > 0) {
    const chunk = pending.shift()!;
    try {
      const results = await send(chunk);
      for (const result of results) {
        const item = result.request_id === undefined ? undefined : byRequestId.get(String(result.request_id));
        if (item) outcome.done.push({ item, result });
      }
      if (results.length !== chunk.length) throw new AmoError(`amoCRM answered ${results.length} results for ${chunk.length} items`);
    } catch (error) {
      if (error instanceof AmoError && error.status === 504 && chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        pending.unshift(chunk.slice(0, half), chunk.slice(half));
        continue;
      }
      if (error instanceof AmoValidationError) {
        const rejected: AmoRejectedItem<Item>[] = error.items.map((entry) => ({ ...entry, item: byRequestId.get(entry.requestId) }));
        if (!options.skipInvalid) throw new AmoValidationError(error.message, { status: error.status, requestId: error.requestId, method: error.method, url: error.url, detail: error.detail, items: rejected });
        outcome.rejected.push(...rejected);
        const bad = new Set(rejected.map((entry) => entry.requestId));
        const rest = chunk.filter((item) => !bad.has(item.request_id));
        // Nothing matched (ids we do not know): do not loop forever on the same chunk.
        if (rest.length === chunk.length) throw error;
        if (rest.length > 0) pending.unshift(rest);
        continue;
      }
      throw error;
    }
  }
  const order = new Map(items.map((item, index) => [item, index]));
  outcome.done.sort((a, b) => order.get(a.item)! - order.get(b.item)!);
  return outcome;
}
