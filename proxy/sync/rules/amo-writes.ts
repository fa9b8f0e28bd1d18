import { z } from 'zod';
import type { AmoClient } from '../../amocrm/client.js';
import type { BatchOutcome } from '../../amocrm/batch.js';
import type { Written } from '../../amocrm/schemas/entities.js';

/** The id amoCRM gave the single item of a one-item batch write (validation errors already threw). */
export function singleId(outcome: BatchOutcome<unknown, Written>, what: string): number {
  const id = outcome.done[0]?.result.id;
  if (id === undefined) throw new Error(`amoCRM created no ${what}`);
  return id;
}

const contactCustomersSchema = z.looseObject({
  id: z.number().int(),
  _embedded: z.looseObject({ customers: z.array(z.looseObject({ id: z.number().int() })).optional() }).optional(),
});

/** Customers already linked to a contact (`GET /contacts/{id}?with=customers`). */
export async function customersOfContact(amo: AmoClient, contactId: number): Promise<number[]> {
  const contact = await amo.transport.request({ method: 'GET', path: `/api/v4/contacts/${contactId}`, query: { with: 'customers' }, schema: contactCustomersSchema });
  return contact?._embedded?.customers?.map((c) => c.id) ?? [];
}

const notesPageSchema = z.looseObject({
  _embedded: z.looseObject({
    notes: z.array(z.looseObject({ id: z.number().int(), params: z.looseObject({ text: z.string().optional() }).nullable().optional() })),
  }),
});

/**
 * Looks for a note we wrote before a crash (between amoCRM's answer and our link row). Notes end with a marker
 * naming the МойСклад document, so a retry finds its own note instead of writing a second one.
 */
export async function findNoteWithMarker(amo: AmoClient, customerId: number, marker: string): Promise<number | null> {
  for (let page = 1; page <= 20; page += 1) {
    const answer = await amo.transport.request({ method: 'GET', path: `/api/v4/customers/${customerId}/notes`, query: { page, limit: 250 }, schema: notesPageSchema });
    if (!answer) return null;
    const hit = answer._embedded.notes.find((note) => note.params?.text?.includes(marker));
    if (hit) return hit.id;
    if (answer._embedded.notes.length < 250) return null;
  }
  return null;
}

const transactionsPageSchema = z.looseObject({
  _embedded: z.looseObject({ transactions: z.array(z.looseObject({ id: z.number().int(), comment: z.string().nullable().optional() })) }),
});

/** Same recovery for purchases: our transaction comment carries the marker. */
export async function findTransactionWithMarker(amo: AmoClient, customerId: number, marker: string): Promise<number | null> {
  for (let page = 1; page <= 20; page += 1) {
    const answer = await amo.transport.request({ method: 'GET', path: `/api/v4/customers/${customerId}/transactions`, query: { page, limit: 250 }, schema: transactionsPageSchema });
    if (!answer) return null;
    const hit = answer._embedded.transactions.find((t) => t.comment?.includes(marker));
    if (hit) return hit.id;
    if (answer._embedded.transactions.length < 250) return null;
  }
  return null;
}
