import { accountLifecycleJob, SYNC_JOBS } from '../../proxy/sync/jobs.js';
import { ACCOUNT_ID, startStack, type Stack } from '../support/stack.js';
import { linkedCustomer, noteWithMarker, pointsField } from '../support/amo-view.js';
import { importProgressLog } from '../support/import-progress.js';
import { percentile, round, type Section } from '../section.js';

const PER_SALE_CAP_MS = 60_000;
/**
 * Sales start at least this far apart: 2,400 sales an hour, a very busy till. A sale costs two МойСклад reads (the
 * sale with its buyer, the sale's bonus operations) and МойСклад allows a user 11 requests per 3 s, so back-to-back
 * sales faster than ~1.7 a second would measure МойСклад's throughput, not a sale's latency.
 */
const SALE_INTERVAL_MS = 1_500;

type Phase = 'afterImport' | 'steady' | 'duringReconcile';

/**
 * A sale at the emulated till → its note (marker `МойСклад: <id>`) and the new points balance visible in amoCRM.
 * Real limits and real time (latency is what is measured), one sale at a time, in three situations:
 * - the first sale the moment the first import is reported done (the first reconciliation pass is due then too);
 * - steady state;
 * - while a reconciliation pass writes a backlog: sales made while МойСклад's webhooks were lost (dropped on purpose),
 *   one per buyer, so the pass writes a purchases request per buyer — bulk work the live sales must not wait behind.
 */
export const realTimeSection: Section = {
  key: 'realTime',
  title: 'Real time: till sale → note and points in amoCRM (after the import, steady, during reconciliation)',
  timeoutMs: (size) => (size === 'full' ? 40 * 60_000 : 10 * 60_000),
  async run({ size, log }) {
    const sales = size === 'full' ? 200 : 20;
    const backlog = size === 'full' ? 600 : 150;
    const stack = await startStack({ seed: { buyers: Math.max(200, backlog + 20), legalEntities: 0, entrepreneurs: 0, products: 20, sales: 200 }, compression: 1 });
    try {
      await stack.installAndConnect();
      await stack.waitForFirstImport(8 * 60_000, importProgressLog(log));
      const buyers = stack.seed.counterparties.filter((c) => c.companyType === 'individual');
      const products = stack.seed.products.filter((p) => !p.archived);
      const results: { phase: Phase; ms: number | null; reconcileRunning?: boolean }[] = [];

      let lastSaleAt = 0;
      const sell = async (i: number, phase: Phase) => {
        const wait = lastSaleAt + SALE_INTERVAL_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastSaleAt = performance.now();
        // Live sales go to buyers outside the backlog, as at a real till (the backlog's buyers are busy for a moment).
        const buyer = buyers[buyers.length - 1 - (i % 20)]!;
        const customerId = await linkedCustomer(stack.proxies[0]!, ACCOUNT_ID, buyer.id);
        if (customerId === null) throw new Error(`buyer ${buyer.id} was not imported`);
        const reconcileRunning = phase === 'duringReconcile' ? await reconcileIsRunning(stack) : undefined;
        const started = performance.now();
        const sale = stack.ms.sellAtTill({ buyer: { id: buyer.id }, positions: [{ productId: products[i % products.length]!.id, quantity: 1 + (i % 3) }] });
        const expectedPoints = (sale.counterparty as { bonusPoints?: number }).bonusPoints ?? 0;
        const deadline = Date.now() + PER_SALE_CAP_MS;
        let ms: number | null = null;
        for (;;) {
          if (noteWithMarker(stack.amo, customerId, String(sale.retaildemand.id)) && pointsField(stack.amo, customerId) === expectedPoints) {
            ms = performance.now() - started;
            break;
          }
          if (Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        results.push({ phase, ms, ...(reconcileRunning === undefined ? {} : { reconcileRunning }) });
        if ((results.length) % 10 === 0) log(`${results.length}/${sales} sales, last ${ms === null ? 'timed out' : `${round(ms, 0)} ms`} (${phase})`);
      };

      const third = Math.floor(sales / 3);
      await sell(0, 'afterImport');
      for (let i = 1; i < third; i++) await sell(i, 'steady');

      // The backlog: sales whose webhooks are lost, one per buyer; then a reconciliation pass is started.
      stack.ms.faults = { dropWebhookRatio: 1 };
      for (let i = 0; i < backlog; i++) {
        stack.ms.sellAtTill({ buyer: { id: buyers[i]!.id }, positions: [{ productId: products[i % products.length]!.id, quantity: 1 }] });
      }
      await stack.ms.webhooksSettled();
      stack.ms.faults = {};
      await stack.proxies[0]!.context.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, ACCOUNT_ID));
      const reconcileStarted = performance.now();
      for (let i = third; i < sales; i++) await sell(i, 'duringReconcile');
      const during = results.filter((r) => r.phase === 'duringReconcile');

      const measured = results.map((r) => r.ms).filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
      const phaseStats = (phase: Phase) => {
        const list = results.filter((r) => r.phase === phase).map((r) => r.ms).filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
        return { sales: results.filter((r) => r.phase === phase).length, p50Ms: round(percentile(list, 50), 0), p95Ms: round(percentile(list, 95), 0), maxMs: round(list.at(-1) ?? Number.NaN, 0) };
      };
      return {
        sales: results.length,
        visible: measured.length,
        timedOut: results.length - measured.length,
        perSaleCapMs: PER_SALE_CAP_MS,
        saleIntervalMs: SALE_INTERVAL_MS,
        p50Ms: round(percentile(measured, 50), 0),
        p95Ms: round(percentile(measured, 95), 0),
        maxMs: round(measured.at(-1) ?? Number.NaN, 0),
        firstAfterImportMs: results[0]?.ms === null || results[0] === undefined ? null : round(results[0].ms, 0),
        steady: phaseStats('steady'),
        duringReconcile: {
          ...phaseStats('duringReconcile'),
          backlogSales: backlog,
          salesMadeWhileThePassRan: during.filter((r) => r.reconcileRunning).length,
          passStillRunningAfterTheLastSale: await reconcileIsRunning(stack),
          secondsSinceThePassStarted: round((performance.now() - reconcileStarted) / 1000, 1),
        },
        latenciesInSaleOrderMs: results.map((r) => (r.ms === null ? null : Math.round(r.ms))),
      };
    } finally {
      await stack.close();
    }
  },
};

async function reconcileIsRunning(stack: Stack): Promise<boolean> {
  const row = await stack.proxies[0]!.context.database.db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', SYNC_JOBS.reconcile)
    .where('state', 'in', ['running', 'available'])
    .executeTakeFirst();
  return row !== undefined;
}
