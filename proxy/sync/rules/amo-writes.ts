import type { AmoClient } from '../../amocrm/client.js';
import type { BatchOutcome } from '../../amocrm/batch.js';
import { AmoError, AmoValidationError, type AmoRejectedItem } from '../../amocrm/errors.js';
import type { Written } from '../../amocrm/schemas/entities.js';

/** The id amoCRM gave the single item of a one-item batch write (validation errors already threw). */
export function singleId(outcome: BatchOutcome<unknown, Written>, what: string): number {
  const id = outcome.done[0]?.result.id;
  if (id === undefined) throw new Error(`amoCRM created no ${what}`);
  return id;
}

/**
 * Looks for a note we wrote before a crash (between amoCRM's answer and our link row). Notes end with a marker
 * naming the МойСклад document, so a retry finds its own note instead of writing a second one.
 */
export async function findNoteWithMarker(amo: AmoClient, customerId: number, marker: string): Promise<number | null> {
  for await (const note of amo.customers.iterateNotes(customerId)) {
    if (note.params?.text?.includes(marker)) return note.id;
  }
  return null;
}

/** Same recovery for purchases: our transaction comment carries the marker. */
export async function findTransactionWithMarker(amo: AmoClient, customerId: number, marker: string): Promise<number | null> {
  for await (const transaction of amo.customers.iterateTransactions(customerId)) {
    if (transaction.comment?.includes(marker)) return transaction.id;
  }
  return null;
}

/** amoCRM's answer when the entity we write to no longer exists (deleted in its UI). */
export function isGoneInAmo(error: unknown): boolean {
  // Only the entity itself: a NotFound on a nested path (a catalog element of a purchase) is another matter.
  if (error instanceof AmoValidationError) return error.items.some((item) => rejectedAsGone(item));
  return error instanceof AmoError && error.status === 404;
}

/** One rejected batch item says "the entity (or the customer it belongs to) does not exist". */
export function rejectedAsGone(item: Pick<AmoRejectedItem<unknown>, 'errors'>): boolean {
  return item.errors.some((e) => e.code === 'NotFound' && (e.path === undefined || e.path === 'id' || e.path === 'entity_id'));
}
