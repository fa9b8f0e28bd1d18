import { earnedPoints, maxSpendablePoints, pointsToKopecks } from './bonus-math.js';
import { retailPriceKopecks } from './catalog.js';
import type { MetaFactory } from './meta.js';
import { DAY_MS, parseMoscowString, toMoscowString } from './moscow-time.js';
import type { Rng } from './prng.js';
import type {
  SeedBonusProgram,
  SeedBonusTransaction,
  SeedCounterparty,
  SeedPosition,
  SeedProduct,
  SeedReferences,
  SeedRetailDemand,
} from './types.js';

interface SalesContext {
  accountId: string;
  meta: MetaFactory;
  references: SeedReferences;
  program: SeedBonusProgram;
  /** Sales happen inside [from, to). */
  from: number;
  to: number;
}

const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;
const OPENING_HOUR = 9;
const CLOSING_HOUR = 22;

/** A sale time during shop hours (09:00–21:59 MSK) at minute precision, as the till stamps `moment`. */
function saleInstant(rng: Rng, from: number, to: number): number {
  const firstDay = Math.floor((from + MSK_OFFSET_MS) / DAY_MS);
  const lastDay = Math.floor((to - 1 + MSK_OFFSET_MS) / DAY_MS);
  for (;;) {
    const day = rng.int(firstDay, lastDay);
    const minute = rng.int(OPENING_HOUR * 60, CLOSING_HOUR * 60 - 1);
    const at = day * DAY_MS + minute * 60_000 - MSK_OFFSET_MS;
    if (at >= from && at < to) return at;
  }
}

/** Loyal buyers come back: squaring a uniform number favours the first buyers of the list. */
function pickBuyer(rng: Rng, buyers: SeedCounterparty[]): SeedCounterparty {
  const r = rng.next();
  return buyers[Math.floor(r * r * buyers.length)] as SeedCounterparty;
}

function pickPositions(rng: Rng, products: SeedProduct[]): { product: SeedProduct; quantity: number }[] {
  const lines = new Map<string, { product: SeedProduct; quantity: number }>();
  const wanted = Math.min(products.length, rng.int(1, 4));
  while (lines.size < wanted) {
    const product = rng.pick(products);
    if (lines.has(product.id)) continue;
    // People buy a camera once, but two or three memory cards or books.
    const cheap = retailPriceKopecks(product) < 5_000_00;
    lines.set(product.id, { product, quantity: cheap && rng.chance(0.4) ? rng.int(2, 3) : 1 });
  }
  return [...lines.values()];
}

export interface GeneratedSales {
  retaildemands: SeedRetailDemand[];
  bonustransactions: SeedBonusTransaction[];
}

/**
 * Past retail sales in time order, each with its SPENDING/EARNING operations, keeping every buyer's running
 * balance (including the welcome bonus already on `bonusPoints`) from ever going below zero.
 * Mutates the buyers' bonusPoints, salesAmount and updated.
 */
export function generateSales(
  rng: Rng,
  count: number,
  buyers: SeedCounterparty[],
  products: SeedProduct[],
  ctx: SalesContext,
  nextTransactionNumber: () => string,
): GeneratedSales {
  const retaildemands: SeedRetailDemand[] = [];
  const bonustransactions: SeedBonusTransaction[] = [];
  if (count === 0 || buyers.length === 0 || products.length === 0) return { retaildemands, bonustransactions };

  const moments = Array.from({ length: count }, () => saleInstant(rng, ctx.from, ctx.to)).sort((a, b) => a - b);
  const { program, references, meta } = ctx;

  moments.forEach((at, index) => {
    const buyer = pickBuyer(rng, buyers);
    const id = rng.uuid();
    const moment = toMoscowString(at);
    const lines = pickPositions(rng, products);
    const rows: SeedPosition[] = lines.map(({ product, quantity }) => {
      const positionId = rng.uuid();
      return {
        meta: meta.position('retaildemand', id, positionId),
        id: positionId,
        accountId: ctx.accountId,
        quantity,
        price: retailPriceKopecks(product),
        discount: 0,
        vat: 0,
        vatEnabled: false,
        assortment: { meta: product.meta },
      };
    });
    const sum = rows.reduce((total, row) => total + row.price * row.quantity, 0);

    const spendable = program.active ? maxSpendablePoints(sum, buyer.bonusPoints, program) : 0;
    const spent = spendable > 0 && rng.chance(0.35) ? rng.int(1, spendable) : 0;
    const paid = sum - pointsToKopecks(spent, program);
    const earned = program.active ? earnedPoints(paid, spent, program) : 0;
    const byCard = rng.chance(0.6);

    const demand: SeedRetailDemand = {
      meta: meta.entity('retaildemand', id),
      id,
      accountId: ctx.accountId,
      created: moment,
      updated: moment,
      name: String(index + 1).padStart(5, '0'),
      moment,
      applicable: true,
      externalCode: rng.token(22),
      sum,
      cashSum: byCard ? 0 : paid,
      noCashSum: byCard ? paid : 0,
      qrSum: 0,
      vatEnabled: false,
      agent: { meta: buyer.meta },
      organization: { meta: references.organization.meta },
      store: { meta: references.store.meta },
      retailStore: { meta: references.retailStore.meta },
      retailShift: { meta: references.retailShift.meta },
      positions: { meta: meta.positionsCollection('retaildemand', id, rows.length), rows },
    };
    retaildemands.push(demand);

    const operation = (transactionType: 'EARNING' | 'SPENDING', bonusValue: number): SeedBonusTransaction => {
      const txId = rng.uuid();
      return {
        meta: meta.entity('bonustransaction', txId),
        id: txId,
        accountId: ctx.accountId,
        created: moment,
        updated: moment,
        name: nextTransactionNumber(),
        moment,
        executionDate: moment,
        applicable: true,
        externalCode: rng.token(22),
        agent: { meta: buyer.meta },
        bonusProgram: { meta: program.meta },
        parentDocument: { meta: demand.meta },
        transactionType,
        transactionStatus: 'COMPLETED',
        categoryType: 'REGULAR',
        bonusValue,
      };
    };
    if (spent > 0) bonustransactions.push(operation('SPENDING', spent));
    if (earned > 0) bonustransactions.push(operation('EARNING', earned));

    buyer.bonusPoints += earned - spent;
    buyer.salesAmount += sum;
    if (parseMoscowString(buyer.updated) < at) buyer.updated = moment;
  });

  return { retaildemands, bonustransactions };
}
