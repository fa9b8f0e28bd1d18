import type { MoySkladEmulator } from '../moysklad/emulator.js';
import type {
  PosBackend, PosBuyer, PosFolder, PosProduct, PosProgram, PosReceipt, PosReturnResult, PosSale, PosSaleInput, PosSaleLine,
} from './pos-backend.js';

/** The part of the emulator the till uses: read API-shaped objects, sell and return "at the till". */
export type TillEmulator = Pick<MoySkladEmulator, 'list' | 'get' | 'sellAtTill' | 'returnAtTill'>;

type Obj = Record<string, unknown>;

const RETAIL_PRICE_TYPE = 'Цена продажи';

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Id at the end of `{meta:{href}}` (hrefs are absolute on whatever host the emulator reports). */
function refId(value: unknown): string | null {
  const href = (value as { meta?: { href?: unknown } } | undefined)?.meta?.href;
  if (typeof href !== 'string') return null;
  const match = /\/([0-9a-zA-Z-]+)\/?(?:\?.*)?$/.exec(href);
  return match?.[1] ?? null;
}

function toBuyer(c: Obj): PosBuyer {
  return {
    id: String(c.id),
    name: String(c.name ?? ''),
    phone: str(c.phone),
    email: str(c.email),
    discountCardNumber: str(c.discountCardNumber),
    bonusPoints: num(c.bonusPoints),
  };
}

const isIndividual = (c: Obj) => String(c.companyType ?? '').startsWith('individual') && c.archived !== true;

/**
 * PosBackend over an in-process MoySkladEmulator. `emu.list()` presents every object (with computed
 * fields such as salesAmount), which is costly on big seeds, so lists are memoised for `cacheMs` and
 * dropped at once after a sale or return made here. Changes made elsewhere show up within `cacheMs`.
 */
export function createEmulatorBackend(emulator: TillEmulator, options: { cacheMs?: number } = {}): PosBackend {
  const cacheMs = options.cacheMs ?? 1000;
  const cache = new Map<string, { at: number; rows: Obj[] }>();
  const list = (type: string): Obj[] => {
    const hit = cache.get(type);
    if (hit && Date.now() - hit.at < cacheMs) return hit.rows;
    const rows = emulator.list(type);
    cache.set(type, { at: Date.now(), rows });
    return rows;
  };

  const folders = (): PosFolder[] =>
    list('productfolder')
      .filter((f) => f.archived !== true)
      .map((f) => {
        const parent = str(f.pathName);
        return { id: String(f.id), name: String(f.name), path: parent ? `${parent}/${String(f.name)}` : String(f.name), parentId: refId(f.productFolder) };
      })
      .sort((a, b) => a.path.localeCompare(b.path, 'ru'));

  const products = (): PosProduct[] =>
    list('product')
      .filter((p) => p.archived !== true)
      .map((p) => {
        const prices = Array.isArray(p.salePrices) ? (p.salePrices as Obj[]) : [];
        const retail = prices.find((price) => (price.priceType as Obj | undefined)?.name === RETAIL_PRICE_TYPE) ?? prices[0];
        return {
          id: String(p.id),
          name: String(p.name),
          article: str(p.article),
          folderId: refId(p.productFolder),
          path: str(p.pathName) ?? '',
          priceKopecks: Math.round(num(retail?.value)),
        };
      });

  const lineOf = (position: Obj, names: Map<string, string>): PosSaleLine => {
    const productId = refId(position.assortment) ?? '';
    return { productId, name: names.get(productId) ?? 'Товар', quantity: num(position.quantity), priceKopecks: num(position.price) };
  };

  // One `get` per shown sale: cheaper than presenting every counterparty on a big seed.
  const buyerRef = (agentId: string | null): PosSale['buyer'] => {
    if (!agentId) return null;
    try {
      return { id: agentId, name: String(emulator.get('counterparty', agentId).name) };
    } catch {
      return { id: agentId, name: 'Покупатель удалён' };
    }
  };

  return {
    listBuyers: () => list('counterparty').filter(isIndividual).map(toBuyer),
    getBuyer(id) {
      try {
        const c = emulator.get('counterparty', id);
        return isIndividual(c) ? toBuyer(c) : undefined;
      } catch {
        return undefined; // the emulator throws for unknown ids
      }
    },
    listFolders: folders,
    listProducts: products,
    activeProgram(): PosProgram | null {
      const program = list('bonusprogram').find((p) => p.active === true);
      if (!program) return null;
      return {
        name: String(program.name ?? 'Бонусная программа'),
        earnRateRoublesToPoint: Math.max(1, num(program.earnRateRoublesToPoint) || 1),
        spendRatePointsToRouble: Math.max(1, num(program.spendRatePointsToRouble) || 1),
        maxPaidRatePercents: program.maxPaidRatePercents === undefined ? 100 : num(program.maxPaidRatePercents),
        earnWhileRedeeming: program.earnWhileRedeeming === true,
      };
    },
    recentSales(limit) {
      const returned = new Set(list('retailsalesreturn').map((r) => refId(r.demand)));
      const points = new Map<string, { spent: number; earned: number }>();
      for (const tx of list('bonustransaction')) {
        const parent = refId(tx.parentDocument);
        if (!parent || tx.transactionStatus !== 'COMPLETED') continue;
        const entry = points.get(parent) ?? { spent: 0, earned: 0 };
        if (tx.transactionType === 'SPENDING') entry.spent += num(tx.bonusValue);
        else entry.earned += num(tx.bonusValue);
        points.set(parent, entry);
      }
      const names = new Map(products().map((p) => [p.id, p.name]));
      // MSK strings of one format sort like the instants they name; the number breaks ties.
      const newest = [...list('retaildemand')]
        .sort((a, b) => `${String(b.moment)}${String(b.name)}`.localeCompare(`${String(a.moment)}${String(a.name)}`))
        .slice(0, limit);
      return newest.map((sale) => {
        const id = String(sale.id);
        const full = emulator.get('retaildemand', id, 'positions');
        const rows = ((full.positions as Obj | undefined)?.rows as Obj[] | undefined) ?? [];
        return {
          id,
          number: String(sale.name),
          moment: String(sale.moment),
          buyer: buyerRef(refId(sale.agent)),
          sumKopecks: num(sale.sum),
          pointsSpent: points.get(id)?.spent ?? 0,
          pointsEarned: points.get(id)?.earned ?? 0,
          returned: returned.has(id),
          lines: rows.map((row) => lineOf(row, names)),
        };
      });
    },
    async sell(input: PosSaleInput): Promise<PosReceipt> {
      const names = new Map(products().map((p) => [p.id, p.name]));
      const result = emulator.sellAtTill({ buyer: input.buyer, positions: input.positions, payWithPoints: input.payWithPoints, payment: 'card' });
      cache.clear();
      const sale = result.retaildemand;
      const rows = ((sale.positions as Obj | undefined)?.rows as Obj[] | undefined) ?? [];
      return {
        id: String(sale.id),
        number: String(sale.name),
        moment: String(sale.moment),
        buyer: { id: String(result.counterparty.id), name: String(result.counterparty.name) },
        sumKopecks: num(sale.sum),
        pointsSpent: result.pointsSpent,
        pointsEarned: result.pointsEarned,
        returned: false,
        lines: rows.map((row) => lineOf(row, names)),
        newBalance: num(result.counterparty.bonusPoints),
        paidKopecks: num(sale.cashSum) + num(sale.noCashSum) + num(sale.qrSum),
      };
    },
    async returnSale(saleId: string): Promise<PosReturnResult> {
      const result = emulator.returnAtTill(saleId);
      cache.clear();
      return {
        returnId: String(result.retailsalesreturn.id),
        returnNumber: String(result.retailsalesreturn.name),
        saleId,
        sumKopecks: num(result.retailsalesreturn.sum),
        newBalance: num(result.counterparty.bonusPoints),
      };
    },
  };
}
