// Child process for the card-latency section: the proxy (widget routes, SQLite read model), the МойСклад
// emulator and a naive forwarder, so autocannon (in the parent) does not share an event loop with them.
// Input: env BENCH_CARD_CONFIG (JSON, holds a throwaway secret; never printed). Output: one JSON line.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { MoySkladEmulator } from '../../sandbox/moysklad/emulator.js';
import { generateSeed } from '../../sandbox/seed/index.js';
import { loadConfig } from '../../proxy/config.js';
import { createWidgetApiModule } from '../../proxy/http/routes/widget-api.js';
import { createLogger } from '../../proxy/logger.js';
import { startProxy } from '../../proxy/server.js';
import { startNaiveForwarder } from './naive-forwarder.js';
import { insertAccount, insertBuyers, insertPurchases, type PurchaseRow } from './read-model-seed.js';

const input = z
  .object({ clientId: z.string(), clientSecret: z.string(), publicUrl: z.string(), baseUrlTemplate: z.string(), accountId: z.number(), subdomain: z.string(), latencyMs: z.number() })
  .parse(JSON.parse(process.env.BENCH_CARD_CONFIG ?? '{}'));

const dir = mkdtempSync(join(tmpdir(), 'bench-card-'));
// Limits lifted for the naive forwarder: with the real 11 requests / 3 s it could not serve even one
// connection's worth of cards; we measure its latency, not its refusals.
const emulator = new MoySkladEmulator({ rateLimits: { requestsPerWindow: 1_000_000, parallelPerUser: 10_000, parallelPerAccount: 10_000 } });
const { baseUrl } = await emulator.listen(0);
const seed = generateSeed({ buyers: 30, products: 40, sales: 400 });
emulator.load(seed);
emulator.faults.latencyMs = input.latencyMs;

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

const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  PUBLIC_URL: input.publicUrl,
  DATABASE_URL: `file:${join(dir, 'proxy.sqlite')}`,
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  AMOCRM_CLIENT_ID: input.clientId,
  AMOCRM_CLIENT_SECRET: input.clientSecret,
  AMOCRM_REDIRECT_URI: `${input.publicUrl}/amocrm/install`,
  AMOCRM_BASE_URL_TEMPLATE: input.baseUrlTemplate,
  MOYSKLAD_API_URL: baseUrl,
  LOG_LEVEL: 'silent',
});
const logger = createLogger({ level: 'silent' });
// Only the widget routes: the card is served from the read model, which is what is measured here.
const proxy = await startProxy(config, (context) => ({ routes: createWidgetApiModule(context).routes }), { logger });
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
  await proxy.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown()); // the parent died or closed our stdin: do not linger
process.stdin.resume();
