import type { SyncHarness } from './sync-harness.js';
import { SUBDOMAIN } from './sync-harness.js';

/** Small readers over the amoCRM emulator's API-shaped JSON, shared by the sync scenario tests. */
type FieldValues = { custom_fields_values?: { field_code?: string | null; values?: { value?: unknown; enum_id?: unknown }[] | null }[] | null };

export function fieldValue(entity: unknown, code: string): unknown {
  return (entity as FieldValues).custom_fields_values?.find((field) => field.field_code === code)?.values?.[0]?.value;
}

export function fieldValues(entity: unknown, code: string): unknown[] {
  return ((entity as FieldValues).custom_fields_values?.find((field) => field.field_code === code)?.values ?? []).map((v) => v.value);
}

export type Entity = Record<string, unknown> & { id: number; name?: string };

export const customers = (h: SyncHarness) => h.amo.store.customers(SUBDOMAIN) as Entity[];
export const contacts = (h: SyncHarness) => h.amo.store.contacts(SUBDOMAIN) as Entity[];
export const elements = (h: SyncHarness) => h.amo.store.catalogElements(SUBDOMAIN) as Entity[];
export const transactions = (h: SyncHarness, customerId?: number) =>
  h.amo.store.transactions(SUBDOMAIN, customerId) as (Entity & { comment?: string | null; price?: number })[];
export const notes = (h: SyncHarness, customerId?: number) =>
  h.amo.store.notes(SUBDOMAIN, customerId) as (Entity & { params?: { text?: string } })[];

/** How many transactions / notes mention one МойСклад document id (our marker carries it). */
export const transactionsOf = (h: SyncHarness, moyskladId: string) => transactions(h).filter((t) => t.comment?.includes(moyskladId));
export const notesOf = (h: SyncHarness, moyskladId: string) => notes(h).filter((n) => n.params?.text?.includes(moyskladId));

/** Ids occurring more than once in a list (to print what was duplicated when a test fails). */
export function duplicates<T>(values: T[]): T[] {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}

/** Calls the amoCRM API as the account's own web UI would (exempt from the integration's limits and faults). */
export async function amoAsUser(h: SyncHarness, method: string, path: string, body?: unknown): Promise<unknown> {
  const token = await h.amo.issueUiToken(SUBDOMAIN);
  const answer = await fetch(`${h.amo.accountBaseUrl(SUBDOMAIN)}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!answer.ok) throw new Error(`amoCRM ${method} ${path}: ${answer.status} ${await answer.text()}`);
  return answer.status === 204 ? null : answer.json();
}
