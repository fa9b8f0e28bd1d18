import { z } from 'zod';
import { ApiError } from './api-error.js';
import type { EmulatorCore } from './core.js';
import { entityMeta } from './references.js';
import { randomExternalCode } from './kinds/kind-helpers.js';
import { CHARACTERISTIC, characteristicMeta } from './kinds/variant.js';
import { refIdOf } from './kinds/kind-helpers.js';
import { randomUUID } from 'node:crypto';

const objects = z.array(z.record(z.string(), z.unknown())).optional();

/**
 * What `emu.load(seed)` accepts: plain МойСклад-shaped JSON (as the API would return it), refs as
 * `{meta:{href}}` on ANY host (only the `/entity/{type}/{id}` tail is used). Other keys (e.g.
 * `references`) are ignored. See README «Seed shape».
 */
const moySkladSeed = z
  .object({
    pricetypes: z.array(z.object({ id: z.string().optional(), name: z.string().min(1), externalCode: z.string().optional() }).passthrough()).optional(),
    bonusprograms: objects,
    productfolders: objects,
    products: objects,
    variants: objects,
    counterparties: objects,
    retaildemands: objects,
    retailsalesreturns: objects,
    bonustransactions: objects,
  })
  .passthrough();
export type MoySkladSeed = z.input<typeof moySkladSeed>;

/** Load order: whatever a document points at is loaded before it. */
const ORDER = [
  ['bonusprograms', 'bonusprogram'],
  ['productfolders', 'productfolder'],
  ['products', 'product'],
  ['variants', 'variant'],
  ['counterparties', 'counterparty'],
  ['retaildemands', 'retaildemand'],
  ['retailsalesreturns', 'retailsalesreturn'],
  ['bonustransactions', 'bonustransaction'],
] as const;

export type SeedCounts = Record<(typeof ORDER)[number][0] | 'pricetypes', number>;

function sortFoldersParentsFirst(folders: Record<string, unknown>[]): Record<string, unknown>[] {
  const byId = new Map(folders.map((f) => [String(f.id), f]));
  const done = new Set<string>();
  const out: Record<string, unknown>[] = [];
  const visit = (folder: Record<string, unknown>, depth: number) => {
    const id = String(folder.id);
    if (done.has(id) || depth > 50) return;
    const parent = byId.get(refIdOf(folder.productFolder, 'productfolder') ?? '');
    if (parent) visit(parent, depth + 1);
    done.add(id);
    out.push(folder);
  };
  folders.forEach((f) => visit(f, 0));
  return out;
}

/**
 * Bulk-loads a seed WITHOUT audit events or webhooks (the data "was already there").
 * Balances: a counterparty's `bonusPoints` from the seed is its balance; without it, the balance is the
 * sum of its loaded bonus transactions.
 */
export function loadSeed(core: EmulatorCore, rawSeed: unknown): SeedCounts {
  const parsed = moySkladSeed.safeParse(rawSeed);
  if (!parsed.success) throw new Error(`Invalid МойСклад seed: ${z.prettifyError(parsed.error)}`);
  const seed = parsed.data;
  const silent = core.changeSet({ uid: 'seed', source: 'import' });
  const counts = { pricetypes: 0 } as SeedCounts;

  if (seed.pricetypes?.length) {
    for (const old of core.store.list('pricetype')) core.store.remove('pricetype', old.id);
    for (const type of seed.pricetypes) {
      const id = type.id ?? randomUUID();
      core.store.put('pricetype', { meta: entityMeta('pricetype', id), id, accountId: core.options.accountId, name: type.name, externalCode: type.externalCode ?? randomExternalCode() });
    }
    counts.pricetypes = seed.pricetypes.length;
  }

  // Characteristics the variants name with an id the account does not have yet (API-shaped seeds carry
  // `{id, name, value}`) are created first, with that id; ones given by name alone are created on the way.
  for (const variant of seed.variants ?? []) {
    for (const c of Array.isArray(variant.characteristics) ? variant.characteristics : []) {
      const { id, name } = (c ?? {}) as { id?: unknown; name?: unknown };
      if (typeof id === 'string' && typeof name === 'string' && !core.store.get(CHARACTERISTIC, id))
        core.store.put(CHARACTERISTIC, { meta: characteristicMeta(id), id, name, type: 'string', required: false });
    }
  }

  const explicitBalances = new Map<string, number>();
  const loadedTransactions: Record<string, unknown>[] = [];
  for (const [collection, type] of ORDER) {
    let items = seed[collection] ?? [];
    if (type === 'productfolder') items = sortFoldersParentsFirst(items);
    items.forEach((item, index) => {
      try {
        const input: Record<string, unknown> = { ...item };
        const executionDate = input.executionDate;
        delete input.executionDate; // deferred-accrual check is for API clients, not for history
        if (type === 'counterparty') delete input.bonusPoints;
        const { doc } = core.entities.create(type, input, silent, { trusted: true, applySideEffects: type !== 'bonustransaction' });
        if (executionDate !== undefined) doc.executionDate = executionDate;
        if (type === 'bonustransaction') loadedTransactions.push(doc);
        if (type === 'counterparty' && typeof item.bonusPoints === 'number') explicitBalances.set(doc.id, item.bonusPoints);
        if (type === 'retaildemand' || type === 'retailsalesreturn' || type === 'bonustransaction') core.reserveNumber(type, doc.name);
      } catch (error) {
        const detail = error instanceof ApiError ? `${error.code} ${error.message}` : String(error);
        throw new Error(`Invalid МойСклад seed: ${collection}[${index}]: ${detail}`);
      }
    });
    counts[collection] = items.length;
  }

  // Balances move by the history loaded now (not by what was already there), then explicit ones win.
  const totals = new Map<string, number>();
  for (const tx of loadedTransactions) {
    if (tx.applicable === false || tx.transactionStatus !== 'COMPLETED') continue;
    const agentId = refIdOf(tx.agent, 'counterparty');
    if (!agentId) continue;
    const value = Number(tx.bonusValue ?? 0) * (tx.transactionType === 'SPENDING' ? -1 : 1);
    totals.set(agentId, (totals.get(agentId) ?? 0) + value);
  }
  for (const [agentId, total] of totals) {
    const agent = core.store.get('counterparty', agentId);
    if (agent) agent.bonusPoints = Math.max(0, Number(agent.bonusPoints ?? 0) + total);
  }
  for (const [agentId, balance] of explicitBalances) {
    const agent = core.store.get('counterparty', agentId);
    if (agent) agent.bonusPoints = balance;
  }
  return counts;
}
