import { ACCOUNT_ID, startStack } from '../support/stack.js';
import { linkedCustomer, noteWithMarker, pointsField } from '../support/amo-view.js';
import { waitForImport } from '../support/wait-import.js';
import { percentile, round, type Section } from '../section.js';

const PER_SALE_CAP_MS = 60_000;

/**
 * A sale at the emulated till → its note (with the "МойСклад: <id>" marker) and the new points balance visible
 * in amoCRM. Real limits and real time (no compression: latency is what is measured). One sale at a time.
 */
export const realTimeSection: Section = {
  key: 'realTime',
  title: 'Real time: till sale → note and points in amoCRM',
  timeoutMs: (size) => (size === 'full' ? 30 * 60_000 : 6 * 60_000),
  async run({ size, log }) {
    const sales = size === 'full' ? 200 : 20;
    const stack = await startStack({ seed: { buyers: 12, legalEntities: 0, entrepreneurs: 0, products: 10, sales: 0 }, compression: 1 });
    try {
      await stack.installAndConnect();
      await waitForImport(stack, { timeoutMs: 180_000, log });
      const buyers = stack.seed.counterparties.filter((c) => c.companyType === 'individual');
      const products = stack.seed.products.filter((p) => !p.archived);
      const latencies: number[] = [];
      const inOrder: number[] = []; // sale order, to see whether slow ones cluster (first sale per buyer, bursts)
      let timedOut = 0;
      for (let i = 0; i < sales; i++) {
        const buyer = buyers[i % buyers.length]!;
        const customerId = await linkedCustomer(stack.proxies[0]!, ACCOUNT_ID, buyer.id);
        if (customerId === null) throw new Error(`buyer ${buyer.id} was not imported`);
        const started = performance.now();
        const sale = stack.ms.sellAtTill({ buyer: { id: buyer.id }, positions: [{ productId: products[i % products.length]!.id, quantity: 1 + (i % 3) }] });
        const expectedPoints = (sale.counterparty as { bonusPoints?: number }).bonusPoints ?? 0;
        const deadline = Date.now() + PER_SALE_CAP_MS;
        while (!(noteWithMarker(stack.amo, customerId, String(sale.retaildemand.id)) && pointsField(stack.amo, customerId) === expectedPoints)) {
          if (Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (Date.now() > deadline) timedOut += 1;
        else latencies.push(performance.now() - started);
        inOrder.push(Math.round(performance.now() - started));
        if ((i + 1) % 10 === 0) log(`${i + 1}/${sales} sales, last ${round(latencies.at(-1) ?? Number.NaN, 0)} ms`);
      }
      latencies.sort((a, b) => a - b);
      return {
        sales,
        visible: latencies.length,
        timedOut,
        perSaleCapMs: PER_SALE_CAP_MS,
        p50Ms: round(percentile(latencies, 50), 0),
        p95Ms: round(percentile(latencies, 95), 0),
        maxMs: round(latencies.at(-1) ?? Number.NaN, 0),
        latenciesInSaleOrderMs: inOrder,
      };
    } finally {
      await stack.close();
    }
  },
};
