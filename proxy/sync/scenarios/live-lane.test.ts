import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { accountLifecycleJob, SYNC_JOBS } from '../jobs.js';
import { notesOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

type Row = Record<string, unknown>;
const agentOf = (sale: Row) => String((sale.agent as { meta: { href: string } }).meta.href).split('/').pop()!;

async function bulkRunning(h: SyncHarness, kind: string): Promise<boolean> {
  const row = await h.database.db.selectFrom('jobs').select('id').where('kind', '=', kind).where('state', '=', 'running').executeTakeFirst();
  return row !== undefined;
}

/**
 * Live events never wait behind bulk work: a till sale made while the import (or a reconciliation pass) writes a
 * backlog reaches amoCRM while that bulk job is still running. amoCRM runs at 28 calls a second here, so the bulk
 * work takes many seconds and the sale has to go ahead of it to arrive first.
 */
describe.each(DATABASE_KINDS)('the live lane on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a till sale during the import and one during a reconciliation pass arrive while that work still runs', { timeout: 120_000 }, async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 160, legalEntities: 0, entrepreneurs: 0, products: 10, sales: 320 }, amoTimeScale: 0.25 });
    const harness = h;
    const buyers = harness.ms.list('counterparty').filter((c) => c.companyType === 'individual' && c.name !== 'Розничный покупатель');
    const product = harness.ms.list('product')[0]!;

    // The import has reached its purchases (one request per buyer, ~150 of them): a sale to a buyer it has written.
    await expect.poll(async () => (await harness.links('retaildemand')).size, { timeout: 60_000 }).toBeGreaterThan(10);
    const early = buyers.find((buyer) => harness.ms.list('retaildemand').some((sale) => agentOf(sale) === buyer.id))!;
    const duringImport = harness.ms.sellAtTill({ buyer: { id: String(early.id) }, positions: [{ productId: String(product.id), quantity: 1 }] });
    await expect.poll(() => notesOf(harness, String(duringImport.retaildemand.id)).length, { timeout: 20_000 }).toBe(1);
    expect(await bulkRunning(harness, SYNC_JOBS.initialImport)).toBe(true);
    await harness.settle();

    // A backlog the webhooks never told us about (one sale per buyer), then a reconciliation pass writes it.
    harness.ms.faults = { dropWebhookRatio: 1 };
    for (const buyer of buyers.slice(0, 120)) harness.ms.sellAtTill({ buyer: { id: String(buyer.id) }, positions: [{ productId: String(product.id), quantity: 1 }] });
    await harness.ms.webhooksSettled();
    harness.ms.faults = {};
    const written = (await harness.links('retaildemand')).size;
    await harness.proxy.context.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, ACCOUNT_ID));
    await expect.poll(async () => (await harness.links('retaildemand')).size, { timeout: 60_000 }).toBeGreaterThan(written + 10);
    const late = buyers[buyers.length - 1]!;
    const duringReconcile = harness.ms.sellAtTill({ buyer: { id: String(late.id) }, positions: [{ productId: String(product.id), quantity: 2 }] });
    await expect.poll(() => notesOf(harness, String(duringReconcile.retaildemand.id)).length, { timeout: 20_000 }).toBe(1);
    expect(await bulkRunning(harness, SYNC_JOBS.reconcile)).toBe(true);
    await harness.queueIdle(60_000);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});
