import type { Seed } from '../../sandbox/seed/index.js';

/** The documented limits: amoCRM 7 requests a second per account, МойСклад 11 requests per 3 s per user (2026). */
const AMO_PER_SECOND = 7;
const MS_PER_SECOND = 11 / 3;
/** amoCRM: 250 entities a write; МойСклад: 1,000 rows a page, 100 with `expand`. */
const AMO_BATCH = 250;
const MS_PAGE = 1000;
const MS_EXPANDED_PAGE = 100;

/**
 * Requests every first import needs whatever the data (connecting the account), each with its reason. They are
 * part of the minimum: an import cannot do without them.
 */
const AMO_SETUP_REQUESTS = [
  'GET /api/v4/account — is the Customers section in segment mode?',
  'GET /api/v4/customers/custom_fields — which of our three fields exist',
  'POST /api/v4/customers/custom_fields — create the missing ones',
  'GET /api/v4/catalogs — find the products catalog',
  'GET /api/v4/catalogs/{id}/custom_fields — its field ids (SKU, PRICE, GROUP, …) and the GROUP tree',
  'GET /api/v4/catalogs/{id}/custom_fields/{id} — the GROUP tree again right before it is written whole (a node the shop added meanwhile must not be lost)',
  'PATCH /api/v4/catalogs/{id}/custom_fields — add the folder tree to GROUP, all nodes in one write',
  'GET /api/v4/catalogs/{id}/custom_fields/{id} — the new nodes’ ids',
  'POST /api/v4/webhooks — subscribe to customer changes',
  'GET /api/v4/contacts — contacts the shop already has (a new buyer is linked to them, not duplicated)',
] as const;

const MS_SETUP_REQUESTS = [
  'POST /security/token — the connection’s token',
  'GET /context/employee — the МойСклад account id (webhook events of another account are dropped)',
  'GET /entity/webhook — our webhooks already there',
  'POST /entity/webhook — the missing ones, in one bulk request',
  'GET /entity/bonusprogram — the active bonus program',
] as const;

export type ImportDataSet = {
  folders: number;
  /** Products that get an amoCRM element (archived ones never do). */
  products: number;
  productsListed: number;
  /** Individuals: the buyers that become customers + contacts. */
  buyers: number;
  buyersWithSales: number;
  /** Sales of those buyers: purchases and notes in amoCRM. */
  buyerSales: number;
  /** Every retail sale the stream reads (anonymous and company sales too). */
  salesListed: number;
  returns: number;
  bonusTransactions: number;
};

export function dataSetOf(seed: Seed): ImportDataSet {
  const people = new Set(seed.counterparties.filter((c) => c.companyType === 'individual' && c.name !== 'Розничный покупатель').map((c) => c.id));
  const agentOf = (sale: { agent: { meta: { href: string } } }) => sale.agent.meta.href.split('/').pop() ?? '';
  const buyerSales = seed.retaildemands.filter((sale) => people.has(agentOf(sale)));
  return {
    folders: seed.productfolders.length,
    products: seed.products.filter((p) => !p.archived).length,
    productsListed: seed.products.length,
    buyers: people.size,
    buyersWithSales: new Set(buyerSales.map(agentOf)).size,
    buyerSales: buyerSales.length,
    salesListed: seed.retaildemands.length,
    returns: 0,
    bonusTransactions: seed.bonustransactions.length,
  };
}

const pages = (rows: number, size: number) => Math.max(1, Math.ceil(rows / size));
const batches = (items: number, size: number) => Math.ceil(items / size);

/**
 * The physical minimum of a first import: every request the documented limits make unavoidable, sent back to back
 * at the allowed rate of its service, the two services in parallel.
 */
export function importMinimum(data: ImportDataSet) {
  const amo = {
    setup: AMO_SETUP_REQUESTS.length,
    catalogElements: batches(data.products, AMO_BATCH),
    customers: batches(data.buyers, AMO_BATCH),
    contacts: batches(data.buyers, AMO_BATCH),
    customerContactLinks: batches(data.buyers, AMO_BATCH),
    purchases: data.buyersWithSales, // one request per customer carries all of its purchases
    notes: batches(data.buyerSales, AMO_BATCH),
  };
  const ms = {
    setup: MS_SETUP_REQUESTS.length,
    folders: pages(data.folders, MS_PAGE),
    products: pages(data.productsListed, MS_PAGE),
    counterparties: pages(data.buyers, MS_PAGE),
    bonusTransactions: pages(data.bonusTransactions, MS_PAGE),
    sales: pages(data.salesListed, MS_EXPANDED_PAGE),
    returns: pages(data.returns, MS_EXPANDED_PAGE),
  };
  const amoTotal = Object.values(amo).reduce((a, b) => a + b, 0);
  const msTotal = Object.values(ms).reduce((a, b) => a + b, 0);
  const seconds = Math.max(amoTotal / AMO_PER_SECOND, msTotal / MS_PER_SECOND);
  return {
    amo: { ...amo, total: amoTotal },
    moysklad: { ...ms, total: msTotal },
    seconds,
    formula:
      `max(amoCRM ${amoTotal} ÷ 7/s, МойСклад ${msTotal} ÷ (11/3 s)) = max(${(amoTotal / AMO_PER_SECOND).toFixed(1)} s, ${(msTotal / MS_PER_SECOND).toFixed(1)} s); ` +
      `amoCRM = ${amo.setup} set-up + ⌈${data.products} products/250⌉ + 3·⌈${data.buyers} buyers/250⌉ (customers, contacts, links) + ${data.buyersWithSales} buyers with sales (one purchases request each) + ⌈${data.buyerSales} sales/250⌉ notes; ` +
      `МойСклад = ${ms.setup} set-up + folders, products, buyers and ${data.bonusTransactions} bonus operations at 1,000 a page + ${data.salesListed} sales and returns at 100 a page (expanded)`,
  };
}
