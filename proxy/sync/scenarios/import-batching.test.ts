import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { contacts, customers, duplicates, elements, fieldValue } from '../test-support/amo-state.js';
import { startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

type Row = Record<string, unknown>;
const isPerson = (c: Row) => c.companyType === 'individual' && c.name !== 'Розничный покупатель';

/** Every POST/PATCH the proxy sends to the amoCRM emulator (axios goes through node:http, which reports here). */
function countAmoWrites(port: number, onWrite?: (write: string) => void): { writes: string[]; stop(): void } {
  const writes: string[] = [];
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    if (!['POST', 'PATCH'].includes(request.method) || request.getHeader('host') !== `127.0.0.1:${port}`) return;
    const write = `${request.method} ${request.path.replace(/^\/a\/[^/]+/, '').replace(/\?.*$/, '').replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    writes.push(write);
    onWrite?.(write);
  };
  subscribe('http.client.request.start', onStart);
  return { writes, stop: () => unsubscribe('http.client.request.start', onStart) };
}

describe.each(DATABASE_KINDS)('import batching on %s', (kind) => {
  let h: SyncHarness | undefined;
  let counter: ReturnType<typeof countAmoWrites> | undefined;
  afterEach(async () => {
    counter?.stop();
    await h?.close();
    h = undefined;
  });

  it('imports N buyers and products with far fewer amoCRM writes than the per-entity 3 + 1 each, exactly once', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 60, legalEntities: 1, entrepreneurs: 0, products: 60, sales: 1 }, connect: false });
    const harness = h;
    counter = countAmoWrites(Number(new URL(harness.amo.accountBaseUrl('demo')).port));
    await harness.connect();
    await harness.importDone();
    const writes = [...counter.writes];
    await harness.queueIdle();

    const people = harness.ms.list('counterparty').filter(isPerson);
    const products = harness.ms.list('product').filter((p) => !p.archived);
    expect(people.length).toBeGreaterThanOrEqual(50);
    expect(products.length).toBeGreaterThanOrEqual(50);
    const count = (what: string) => writes.filter((w) => w === what).length;
    if (process.env.SHOW_AMO_WRITES) console.log(kind, people.length, products.length, writes.length, harness.amo.stats('demo').requests, [...new Set(writes)].map((w) => `${w}: ${count(w)}`));
    // The counter works: the batched creates were seen.
    expect(count('POST /api/v4/catalogs/:id/elements')).toBeGreaterThanOrEqual(1);
    expect(count('POST /api/v4/customers')).toBeGreaterThanOrEqual(1);
    // One request per МойСклад page (≤ 100 rows) instead of one per entity.
    expect(count('POST /api/v4/catalogs/:id/elements')).toBeLessThanOrEqual(Math.ceil(products.length / 100) + 1);
    expect(count('POST /api/v4/customers')).toBeLessThanOrEqual(Math.ceil(people.length / 100) + 2);
    expect(count('POST /api/v4/contacts')).toBeLessThanOrEqual(Math.ceil(people.length / 100) + 2);
    // Per entity this was products + 3 × people; the customer→contact link is still one request per customer.
    expect(writes.length).toBeLessThan(products.length + people.length);
    expect(writes.length).toBeLessThan((products.length + 3 * people.length) / 2);

    expect(duplicates(customers(harness).map((c) => String(fieldValue(c, 'MOYSKLAD_ID'))))).toEqual([]);
    expect(customers(harness)).toHaveLength(people.length);
    expect(contacts(harness)).toHaveLength(people.length);
    expect(duplicates(elements(harness).map((e) => String(fieldValue(e, 'EXTERNAL_ID'))))).toEqual([]);
    expect(elements(harness)).toHaveLength(products.length);
    expect((await harness.links('counterparty')).size).toBe(people.length);
    expect((await harness.links('contact')).size).toBe(people.length);
    expect((await harness.links('product')).size).toBe(products.length);
    // Every customer has its own contact as the main contact.
    const contactOf = await harness.links('contact');
    for (const [moyskladId, customerId] of await harness.links('counterparty')) {
      const main = harness.amo.store.links('demo', customerId).filter((l) => l.to_entity_type === 'contacts' && l.metadata.is_main);
      expect(main.map((l) => l.to_entity_id)).toEqual([contactOf.get(moyskladId)]);
    }
  });

  it('a page interrupted between the customers and the contacts batch ends with each buyer exactly once', async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 30, legalEntities: 0, entrepreneurs: 0, products: 5, sales: 1 }, connect: false });
    const harness = h;
    let tripped = false;
    // The first contacts batch of the import meets an amoCRM outage: its customers exist and are linked, contacts not.
    counter = countAmoWrites(Number(new URL(harness.amo.accountBaseUrl('demo')).port), (write) => {
      if (write !== 'POST /api/v4/contacts' || tripped) return;
      tripped = true;
      harness.amo.faults = { failFor: { untilMs: Date.now() + 1_500, status: 503 } };
    });
    await harness.connect();
    await harness.until('outage hit', () => tripped);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    harness.amo.faults = {};
    await harness.fastForwardRetries();
    await harness.importDone();
    await harness.queueIdle();

    const people = harness.ms.list('counterparty').filter(isPerson);
    // The recovery really ran: the failed batch plus one per-entity contact create for each buyer of the page.
    expect(counter.writes.filter((w) => w === 'POST /api/v4/contacts').length).toBeGreaterThan(1);
    expect(duplicates(customers(harness).map((c) => String(fieldValue(c, 'MOYSKLAD_ID'))))).toEqual([]);
    expect(customers(harness)).toHaveLength(people.length);
    expect(contacts(harness)).toHaveLength(people.length);
    const contactOf = await harness.links('contact');
    for (const [moyskladId, customerId] of await harness.links('counterparty')) {
      const main = harness.amo.store.links('demo', customerId).filter((l) => l.to_entity_type === 'contacts' && l.metadata.is_main);
      expect(main.map((l) => l.to_entity_id)).toEqual([contactOf.get(moyskladId)]);
    }
  });
});
