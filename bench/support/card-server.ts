// Child process for the card-latency section: the stack (sandbox/orchestrator/stack.ts, the one builder) with the
// widget routes only on an SQLite read model, and a naive forwarder, so autocannon (in the parent) does not share an
// event loop with them. Input: env BENCH_CARD_CONFIG (JSON, holds a throwaway secret; never printed). Output: one
// JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { startStack } from '../../sandbox/orchestrator/stack.js';
import { createWidgetApiModule } from '../../proxy/http/routes/widget-api.js';
import { createLogger } from '../../proxy/logger.js';
import { startNaiveForwarder } from './naive-forwarder.js';
import { insertAccount, insertBuyers, insertPurchases, type PurchaseRow } from './read-model-seed.js';

const input = z
  .object({ clientId: z.string(), clientSecret: z.string(), publicUrl: z.string(), baseUrlTemplate: z.string(), accountId: z.number(), subdomain: z.string(), latencyMs: z.number() })
  .parse(JSON.parse(process.env.BENCH_CARD_CONFIG ?? '{}'));

const dir = mkdtempSync(join(tmpdir(), 'bench-card-'));
const stack = await startStack({
  databaseUrl: `file:${join(dir, 'proxy.sqlite')}`,
  seed: { buyers: 30, products: 40, sales: 400 },
  // Limits lifted for the naive forwarder: with the real 11 requests / 3 s it could not serve even one
  // connection's worth of cards; we measure its latency, not its refusals.
  moysklad: { rateLimits: { requestsPerWindow: 1_000_000, parallelPerUser: 10_000, parallelPerAccount: 10_000 } },
  // Only the widget routes: the card is served from the read model, which is what is measured here.
  compose: (context) => ({ routes: createWidgetApiModule(context).routes }),
  // The parent signs the widget's tokens (bench/support/disposable-token.ts): its integration, audience and issuer.
  proxyEnv: {
    PUBLIC_URL: input.publicUrl,
    AMOCRM_CLIENT_ID: input.clientId,
    AMOCRM_CLIENT_SECRET: input.clientSecret,
    AMOCRM_REDIRECT_URI: `${input.publicUrl}/amocrm/install`,
    AMOCRM_BASE_URL_TEMPLATE: input.baseUrlTemplate,
  },
  logLevel: 'silent',
  logger: createLogger({ level: 'silent' }),
});
const { seed } = stack;
const baseUrl = stack.moyskladApiUrl;
stack.ms.faults.latencyMs = input.latencyMs;

// The buyer with the most sales: the heaviest card is the honest one to measure.
const idOf = (href: string) => href.slice(href.lastIndexOf('/') + 1);
const salesByBuyer = new Map<string, typeof seed.retaildemands>();
for (const sale of seed.retaildemands) {
  const buyerId = idOf(sale.agent.meta.href);
  salesByBuyer.set(buyerId, [...(salesByBuyer.get(buyerId) ?? []), sale]);
}
const [buyerId, sales] = [...salesByBuyer.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
const counterparty = seed.counterparties.find((c) => c.id === buyerId)!;
const productName = new Map(seed.products.map((p) => [p.id, p.name]));
const AMO_CUSTOMER_ID = 4242;

const proxy = stack.proxies[0]!;
const { db } = proxy.context.database;
await insertAccount(db, proxy.context.secrets, input.accountId, input.subdomain);
await insertBuyers(db, input.accountId, [
  { moyskladId: buyerId, amoCustomerId: AMO_CUSTOMER_ID, name: counterparty.name, phone: counterparty.phone ?? null, bonusCard: counterparty.discountCardNumber ?? null, points: counterparty.bonusPoints, purchaseTotalKopecks: counterparty.salesAmount, purchaseCount: sales.length },
]);
const purchases: PurchaseRow[] = sales.map((sale) => ({
  id: sale.id,
  number: sale.name,
  momentMs: Date.parse(`${sale.moment.replace(' ', 'T')}+03:00`),
  sumKopecks: sale.sum,
  pointsEarned: 0,
  pointsSpent: 0,
  items: sale.positions.rows.map((row) => ({ name: productName.get(idOf(row.assortment.meta.href)) ?? 'товар', quantity: row.quantity, priceKopecks: row.price })),
}));
await insertPurchases(db, input.accountId, buyerId, purchases);

const naive = await startNaiveForwarder({ moyskladApiUrl: baseUrl, login: 'admin@demo', password: 'sandbox-password', customers: new Map([[AMO_CUSTOMER_ID, buyerId]]), token: input });

process.stdout.write(`${JSON.stringify({ proxyUrl: proxy.url, naiveUrl: naive.url, amoCustomerId: AMO_CUSTOMER_ID, purchases: purchases.length })}\n`);

const shutdown = async () => {
  await naive.close();
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown()); // the parent died or closed our stdin: do not linger
process.stdin.resume();
