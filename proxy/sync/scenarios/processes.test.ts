import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { contacts, customers, duplicates, elements, fieldValue, notesOf, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

type Row = Record<string, unknown>;
const isPerson = (c: Row) => c.companyType === 'individual' && c.name !== 'Розничный покупатель';

async function importState(h: SyncHarness): Promise<{ state: string; done: number; total: number } | null> {
  const row = await h.database.db.selectFrom('account_sync').select(['import_state', 'import_done', 'import_total']).where('account_id', '=', ACCOUNT_ID).executeTakeFirst();
  return row ? { state: row.import_state, done: Number(row.import_done), total: Number(row.import_total) } : null;
}

/** The end state of a clean run: every person, product and sale of МойСклад exactly once in amoCRM. */
async function expectCleanEndState(h: SyncHarness): Promise<void> {
  const people = h.ms.list('counterparty').filter(isPerson);
  expect(duplicates(customers(h).map((c) => String(fieldValue(c, 'MOYSKLAD_ID'))))).toEqual([]);
  expect(customers(h)).toHaveLength(people.length);
  expect(contacts(h)).toHaveLength(people.length);
  const products = h.ms.list('product').filter((p) => !p.archived);
  expect(duplicates(elements(h).map((e) => String(fieldValue(e, 'EXTERNAL_ID'))))).toEqual([]);
  expect(elements(h)).toHaveLength(products.length);
  const sales = h.ms.list('retaildemand').filter((s) => isPerson(h.ms.get('counterparty', String((s.agent as { meta: { href: string } }).meta.href.split('/').pop()))));
  for (const sale of sales) {
    expect(transactionsOf(h, String(sale.id)), `transactions of ${String(sale.name)}`).toHaveLength(1);
    expect(notesOf(h, String(sale.id)), `notes of ${String(sale.name)}`).toHaveLength(1);
  }
  const purchases = await h.database.db.selectFrom('purchases').select('id').where('account_id', '=', ACCOUNT_ID).execute();
  expect(purchases).toHaveLength(sales.length);
}

describe.each(DATABASE_KINDS)('processes on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a proxy killed during the initial import: the next one resumes and ends like a clean run', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 20, legalEntities: 1, entrepreneurs: 0, products: 8, sales: 12 }, drainMs: 1 });
    const harness = h;
    await harness.until('import half way', async () => {
      const state = await importState(harness);
      return state !== null && state.state === 'running' && state.done >= 25;
    });
    // Abrupt: the running import is aborted mid-row, the database closes under it.
    await harness.proxy.close();
    const stoppedAt = await importState(harness);
    expect(stoppedAt?.state).not.toBe('done');

    await harness.startProxy({ samePort: true });
    await harness.importDone();
    await harness.queueIdle();
    await expectCleanEndState(harness);
  });

  it('two proxies on one database during the import and 20 till sales: no duplicates anywhere', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 6, legalEntities: 1, entrepreneurs: 0, products: 4, sales: 6 }, connect: false });
    const harness = h;
    await harness.startProxy();
    await harness.connect();
    await harness.until('import running', async () => (await importState(harness))?.state === 'running');
    const products = harness.ms.list('product').filter((p) => !p.archived);
    const known = harness.ms.list('counterparty').filter(isPerson);
    for (let i = 0; i < 20; i += 1) {
      const buyer = i % 2 === 0 ? { name: `Новый покупатель ${i}`, phone: `+7998000${String(i).padStart(4, '0')}` } : { id: String(known[i % known.length]!.id) };
      harness.ms.sellAtTill({ buyer, positions: [{ productId: String(products[i % products.length]!.id), quantity: 1 }] });
    }
    // The scheduler's first reconciliation follows the import (both proxies tick); queueIdle waits for it too.
    await harness.importDone();
    await harness.queueIdle();
    await expectCleanEndState(harness);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});
