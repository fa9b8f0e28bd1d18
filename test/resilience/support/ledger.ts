import type { Kysely } from 'kysely';
import { vi } from 'vitest';
import type { Database } from '../../../proxy/db/schema.js';
import { ACCOUNT_ID, SUBDOMAIN, type Stack } from '../../../bench/support/stack.js';

/** Per kind: what МойСклад has that amoCRM lacks (lost) and what amoCRM has more than once (duplicated). */
export interface Ledger {
  lost: number;
  duplicated: number;
  customers: { expected: number; lost: number; duplicated: number };
  sales: { expected: number; lostNotes: number; duplicatedNotes: number; lostTransactions: number; duplicatedTransactions: number };
  pointsMismatched: number;
}

const MARKER = /МойСклад: ([0-9a-f-]{36})(?!:return)/g;

function countMarkers(texts: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) for (const match of text.matchAll(MARKER)) counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
  return counts;
}

/**
 * Compares the МойСклад emulator (individual counterparties, retail sales, balances) with the amoCRM emulator
 * (customers, purchase transactions and notes by the "МойСклад: <id>" marker, the points field) through the
 * proxy's links table. Only the emulators' stores and the links are read: the proxy's own status is not trusted.
 */
export async function takeLedger(stack: Stack, db: Kysely<Database>): Promise<Ledger> {
  const individuals = (stack.ms.list('counterparty') as Array<{ id: string; name: string; companyType: string; bonusPoints?: number }>).filter(
    (c) => c.companyType === 'individual' && c.name !== 'Розничный покупатель',
  );
  const buyerIds = new Set(individuals.map((c) => c.id));
  const links = await db.selectFrom('links').select(['moysklad_id', 'amo_id']).where('account_id', '=', ACCOUNT_ID).where('kind', '=', 'counterparty').execute();
  const customerOf = new Map(links.map((l) => [l.moysklad_id, Number(l.amo_id)]));
  const customers = stack.amo.store.customers(SUBDOMAIN) as Array<{ id: number; custom_fields_values?: Array<{ field_code?: string; values?: Array<{ value?: unknown }> }> | null }>;
  const customerIds = new Set(customers.map((c) => c.id));

  const linkedPresent = individuals.filter((c) => customerIds.has(customerOf.get(c.id) ?? -1));
  const customersLost = individuals.length - linkedPresent.length;
  // Every amoCRM customer in these runs is created by the sync, so any beyond one per buyer is a duplicate.
  const customersDuplicated = Math.max(0, customers.length - new Set(linkedPresent.map((c) => customerOf.get(c.id))).size);

  const sales = (stack.ms.list('retaildemand') as Array<{ id: string; agent: { meta: { href: string } } }>).filter((s) => buyerIds.has(s.agent.meta.href.split('/').pop()!));
  const notes = countMarkers((stack.amo.store.notes(SUBDOMAIN) as unknown[]).map((n) => JSON.stringify(n)));
  const transactions = countMarkers((stack.amo.store.transactions(SUBDOMAIN) as Array<{ comment?: string | null }>).map((t) => t.comment ?? ''));
  const missing = (counts: Map<string, number>) => sales.filter((s) => !counts.has(s.id)).length;
  const extra = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);

  const byId = new Map(customers.map((c) => [c.id, c]));
  const pointsMismatched = linkedPresent.filter((c) => {
    const field = byId.get(customerOf.get(c.id)!)?.custom_fields_values?.find((f) => f.field_code === 'BONUS_POINTS');
    return Number(field?.values?.[0]?.value ?? 0) !== (c.bonusPoints ?? 0);
  }).length;

  const result = {
    customers: { expected: individuals.length, lost: customersLost, duplicated: customersDuplicated },
    sales: { expected: sales.length, lostNotes: missing(notes), duplicatedNotes: extra(notes), lostTransactions: missing(transactions), duplicatedTransactions: extra(transactions) },
    pointsMismatched,
  };
  return {
    lost: result.customers.lost + result.sales.lostNotes + result.sales.lostTransactions,
    duplicated: result.customers.duplicated + result.sales.duplicatedNotes + result.sales.duplicatedTransactions,
    ...result,
  };
}

/** Polls the ledger until nothing is lost or the deadline passes; returns the last ledger either way (the caller asserts). */
export async function settleLedger(stack: Stack, db: Kysely<Database>, timeoutMs: number): Promise<Ledger> {
  let ledger = await takeLedger(stack, db);
  await vi
    .waitFor(
      async () => {
        ledger = await takeLedger(stack, db);
        if (ledger.lost !== 0 || ledger.pointsMismatched !== 0) throw new Error('the ledger is not settled yet');
      },
      { timeout: timeoutMs, interval: 500 },
    )
    .catch(() => undefined);
  return ledger;
}
