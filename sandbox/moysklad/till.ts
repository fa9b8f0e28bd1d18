import { z } from 'zod';
import { ApiError, notFound } from './api-error.js';
import type { ChangeSet } from './change-set.js';
import type { EmulatorCore } from './core.js';
import { SALE_PRICE_TYPE_NAME } from './fixtures.js';
import { INSUFFICIENT_POINTS_CODE } from './kinds/bonus-ledger.js';
import { activeBonusProgram } from './kinds/bonusprogram.js';
import { refIdOf } from './kinds/kind-helpers.js';
import { lineTotal } from './kinds/retail-documents.js';
import { effectiveSalePrices } from './kinds/variant.js';
import { normalizeMskTimestamp } from './msk-time.js';
import { isObject, ref, refTarget } from './references.js';
import type { Doc } from './store.js';
import { pointsCapForReceipt, pointsEarned, pointsToKopecks, programAppliesTo, ratesOf } from './till-bonus-rules.js';

const tillSaleInput = z.object({
  buyer: z.union([
    z.object({ id: z.string().min(1) }).strict(),
    z.object({
      name: z.string().trim().min(1).max(255),
      phone: z.string().trim().min(1).max(255),
      discountCardNumber: z.string().trim().min(1).max(255).optional(),
      email: z.string().trim().max(255).optional(),
    }),
  ]),
  /** A product (`productId`) or one of its modifications (`variantId`). */
  positions: z
    .array(z.union([z.object({ productId: z.string().min(1), quantity: z.number().positive() }).strict(), z.object({ variantId: z.string().min(1), quantity: z.number().positive() }).strict()]))
    .min(1)
    .max(1000),
  payWithPoints: z.number().int().nonnegative().optional(),
  /** MSK "YYYY-MM-DD HH:mm[:ss[.SSS]]"; default now. */
  moment: z.string().optional(),
  /** Default 'card' (→ noCashSum). */
  payment: z.enum(['cash', 'card']).optional(),
});
export type TillSaleInput = z.input<typeof tillSaleInput>;

export interface TillSaleOutcome {
  retaildemand: Doc;
  counterparty: Doc;
  pointsSpent: number;
  pointsEarned: number;
  bonusTransactions: Doc[];
}

function parseInput(input: unknown): z.output<typeof tillSaleInput> {
  const parsed = tillSaleInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(400, 2016, `Неверные данные продажи: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

const digits = (phone: unknown) => String(phone ?? '').replace(/\D/g, '').slice(-10);

/** The cashier picks an existing buyer (by id, card number or phone) or registers a new one. */
function findBuyer(core: EmulatorCore, buyer: z.output<typeof tillSaleInput>['buyer']): Doc | undefined {
  if ('id' in buyer) {
    const found = core.store.get('counterparty', buyer.id);
    if (!found) throw notFound('counterparty', buyer.id);
    return found;
  }
  const all = core.store.list('counterparty');
  if (buyer.discountCardNumber) {
    const byCard = all.find((c) => c.discountCardNumber === buyer.discountCardNumber);
    if (byCard) return byCard;
  }
  return all.find((c) => digits(c.phone) !== '' && digits(c.phone) === digits(buyer.phone));
}

/** The receipt price of a product or a modification: its «Цена продажи» (a modification falls back to its product's). */
function retailPrice(core: EmulatorCore, type: 'product' | 'variant', doc: Doc): number {
  const saleType = core.store.list('pricetype').find((t) => t.name === SALE_PRICE_TYPE_NAME);
  const prices = type === 'variant' ? effectiveSalePrices(doc, core.services) : Array.isArray(doc.salePrices) ? doc.salePrices : [];
  const price = prices.find((p) => isObject(p) && refTarget(p.priceType)?.id === saleType?.id);
  return Math.round(Number((price as Record<string, unknown> | undefined)?.value ?? 0));
}

/** The sold item of one receipt line, refused when it (or a modification's product) is archived. */
function sellable(core: EmulatorCore, line: { productId: string } | { variantId: string }): { type: 'product' | 'variant'; doc: Doc } {
  if ('productId' in line) {
    const product = core.store.get('product', line.productId);
    if (!product) throw notFound('product', line.productId);
    if (product.archived === true) throw new ApiError(412, 2016, `Товар '${product.name}' в архиве и не продаётся`);
    return { type: 'product', doc: product };
  }
  const variant = core.store.get('variant', line.variantId);
  if (!variant) throw notFound('variant', line.variantId);
  const product = core.store.get('product', refIdOf(variant.product, 'product') ?? '');
  if (variant.archived === true || product?.archived === true) throw new ApiError(412, 2016, `Модификация '${String(core.presenter.present('variant', variant).name)}' в архиве и не продаётся`);
  return { type: 'variant', doc: variant };
}

function createTransaction(core: EmulatorCore, changes: ChangeSet, fields: Record<string, unknown>, category = 'REGULAR'): Doc {
  const { doc } = core.entities.create('bonustransaction', fields, changes);
  doc.categoryType = category; // read-only over the API; the till sets WELCOME for welcome bonuses
  return doc;
}

/**
 * What «Касса МойСклад» does for one receipt. Points paid for part of the receipt: `sum` stays the
 * full price of the positions and `cashSum`/`noCashSum` hold the money part (how the real till books
 * a points payment is unconfirmed). Everything is validated before the first write.
 */
export function sellAtTill(core: EmulatorCore, rawInput: unknown, cashier: string): TillSaleOutcome {
  const input = parseInput(rawInput);
  const moment = input.moment === undefined ? undefined : normalizeMskTimestamp(input.moment);
  if (moment === null) throw new ApiError(400, 1035, `Неверный формат даты '${input.moment}'`);
  const existingBuyer = findBuyer(core, input.buyer);
  const lines = input.positions.map((line) => {
    const item = sellable(core, line);
    return { ...item, quantity: line.quantity, price: retailPrice(core, item.type, item.doc) };
  });
  const sum = lines.reduce((total, line) => total + Math.round(line.price * line.quantity), 0);
  const activeProgram = activeBonusProgram(core.services);
  const program = activeProgram && (!existingBuyer || programAppliesTo(activeProgram, existingBuyer)) ? activeProgram : undefined;
  const requested = input.payWithPoints ?? 0;
  const balance = Number(existingBuyer?.bonusPoints ?? 0);
  if (requested > 0 && !program) throw new ApiError(412, 2016, 'Бонусная программа не активна — оплата баллами недоступна');
  if (requested > balance)
    throw new ApiError(412, INSUFFICIENT_POINTS_CODE, `Недостаточно баллов: на счёте ${balance}, запрошено ${requested}`);
  const rates = program ? ratesOf(program) : undefined;
  const spent = rates ? Math.min(requested, pointsCapForReceipt(sum, rates)) : 0;
  const paid = sum - (rates ? pointsToKopecks(spent, rates) : 0);
  const earned = rates ? pointsEarned(paid, spent, rates) : 0;

  return core.transact({ uid: cashier, source: 'retail' }, (changes) => {
    const transactions: Doc[] = [];
    let agent = existingBuyer;
    const firstPurchase = !agent || !core.store.list('retaildemand').some((d) => refIdOf(d.agent) === agent!.id);
    if (!agent) {
      const buyer = input.buyer as { name: string; phone: string; discountCardNumber?: string; email?: string };
      // Which companyType the till gives new buyers is unconfirmed; `individual` is the natural reading.
      agent = core.entities.create('counterparty', { ...buyer, companyType: 'individual' }, changes).doc;
    }
    const agentRef = ref('counterparty', agent.id);
    const programRef = program ? ref('bonusprogram', program.id) : undefined;
    if (program && programRef && program.welcomeBonusesEnabled === true && Number(program.welcomeBonusesValue) > 0) {
      const due = program.welcomeBonusesMode === 'FIRST_PURCHASE' ? firstPurchase : !existingBuyer;
      if (due)
        transactions.push(
          createTransaction(core, changes, { agent: agentRef, bonusProgram: programRef, transactionType: 'EARNING', bonusValue: Number(program.welcomeBonusesValue) }, 'WELCOME'),
        );
    }
    const { doc: demand } = core.entities.create(
      'retaildemand',
      {
        agent: agentRef,
        ...(moment ? { moment } : {}),
        positions: lines.map((line) => ({ assortment: ref(line.type, line.doc.id), quantity: line.quantity, price: line.price })),
        cashSum: input.payment === 'cash' ? paid : 0,
        noCashSum: input.payment === 'cash' ? 0 : paid,
      },
      changes,
    );
    const parentDocument = ref('retaildemand', demand.id);
    if (spent > 0 && programRef)
      transactions.push(createTransaction(core, changes, { agent: agentRef, bonusProgram: programRef, transactionType: 'SPENDING', bonusValue: spent, parentDocument }));
    if (earned > 0 && programRef)
      transactions.push(createTransaction(core, changes, { agent: agentRef, bonusProgram: programRef, transactionType: 'EARNING', bonusValue: earned, parentDocument }));
    return { retaildemand: demand, counterparty: core.store.get('counterparty', agent.id)!, pointsSpent: spent, pointsEarned: earned, bonusTransactions: transactions };
  });
}

export interface TillReturnOutcome {
  retailsalesreturn: Doc;
  counterparty: Doc;
  bonusTransactions: Doc[];
}

/** Which lines of the sale go back: by the sale's position id or by the product / modification id; quantities > 0. */
const tillReturnInput = z
  .object({
    positions: z
      .array(
        z.union([
          z.object({ positionId: z.string().min(1), quantity: z.number().positive() }).strict(),
          z.object({ assortmentId: z.string().min(1), quantity: z.number().positive() }).strict(),
        ]),
      )
      .min(1)
      .max(1000)
      .optional(),
  })
  .strict();
export type TillReturnInput = z.input<typeof tillReturnInput>;

const EPSILON = 1e-9;
type Line = Record<string, unknown>;
const assortmentId = (position: Line) => refTarget(position.assortment)?.id ?? '';

/** What is still returnable of each sale position after the earlier returns of that sale (first positions first). */
function remainingPerPosition(demand: Doc, earlierReturns: Doc[]): Array<{ position: Line; left: number }> {
  const returned = new Map<string, number>();
  for (const ret of earlierReturns) for (const p of (ret.positions as Line[]) ?? []) returned.set(assortmentId(p), (returned.get(assortmentId(p)) ?? 0) + Number(p.quantity));
  return ((demand.positions as Line[]) ?? []).map((position) => {
    const already = returned.get(assortmentId(position)) ?? 0;
    const taken = Math.min(Number(position.quantity), already);
    returned.set(assortmentId(position), already - taken);
    return { position, left: Number(position.quantity) - taken };
  });
}

/** The lines this return takes back; without `positions`, everything still returnable. */
function linesToReturn(demand: Doc, remaining: Array<{ position: Line; left: number }>, wanted: z.output<typeof tillReturnInput>['positions']): Line[] {
  const lines: Line[] = [];
  const take = (entry: { position: Line; left: number }, quantity: number) => {
    entry.left -= quantity;
    lines.push({ assortment: entry.position.assortment, quantity, price: entry.position.price, discount: entry.position.discount });
  };
  if (!wanted) {
    for (const entry of remaining) if (entry.left > EPSILON) take(entry, entry.left);
    if (lines.length === 0) throw new ApiError(409, 3006, `Продажа ${demand.name} уже возвращена`);
    return lines;
  }
  for (const request of wanted) {
    const candidates = 'positionId' in request ? remaining.filter((e) => e.position.id === request.positionId) : remaining.filter((e) => assortmentId(e.position) === request.assortmentId);
    const what = 'positionId' in request ? `позиция ${request.positionId}` : `товар ${request.assortmentId}`;
    if (candidates.length === 0) throw new ApiError(412, 2016, `В продаже ${demand.name} нет: ${what}`);
    const left = candidates.reduce((sum, e) => sum + e.left, 0);
    if (request.quantity > left + EPSILON) throw new ApiError(412, 2016, `Нельзя вернуть больше, чем продано и ещё не возвращено: ${what}, осталось ${left}`);
    let quantity = request.quantity;
    for (const entry of candidates) {
      const part = Math.min(entry.left, quantity);
      if (part > EPSILON) take(entry, part);
      quantity -= part;
    }
  }
  return lines;
}

const moneyOf = (doc: Doc) => Number(doc.cashSum ?? 0) + Number(doc.noCashSum ?? 0) + Number(doc.qrSum ?? 0);

/**
 * A return at «Касса МойСклад», whole (default) or of some positions/quantities, any number of times until nothing
 * is left. The retailsalesreturn carries `demand`, the returned lines at the sale's prices and their `sum`.
 * Money and points follow the returned share of the sale, counted cumulatively over its returns (README «Till»):
 * share = Σ returned sums ÷ sale sum; money back = round(money paid × share) minus what earlier returns paid back
 * (split cash/card as the sale was paid); points spent on the sale are given back: floor(spent × share) minus earlier
 * refunds; points earned on it are taken back: ceil(earned × share) minus what earlier returns took, never below a
 * zero balance. A whole return thus gives back every spent point and takes back every earned one the buyer still has.
 */
export function returnAtTill(core: EmulatorCore, retaildemandId: string, cashier: string, rawInput: unknown = {}): TillReturnOutcome {
  const parsed = tillReturnInput.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(400, 2016, `Неверные данные возврата: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const demand = core.store.get('retaildemand', retaildemandId);
  if (!demand) throw notFound('retaildemand', retaildemandId);
  const earlierReturns = core.store.list('retailsalesreturn').filter((r) => refIdOf(r.demand) === retaildemandId);
  const lines = linesToReturn(demand, remainingPerPosition(demand, earlierReturns), parsed.data.positions);
  const agentId = refIdOf(demand.agent, 'counterparty');
  const agent = agentId ? core.store.get('counterparty', agentId) : undefined;
  if (!agent) throw notFound('counterparty', agentId ?? '');

  const saleSum = Number(demand.sum);
  const returnSum = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const returnedSum = earlierReturns.reduce((sum, r) => sum + Number(r.sum), 0) + returnSum;
  const share = (total: number, round: (n: number) => number) => (saleSum > 0 ? round((total * returnedSum) / saleSum) : 0);
  const paid = moneyOf(demand);
  const money = share(paid, Math.round) - earlierReturns.reduce((sum, r) => sum + moneyOf(r), 0);
  const cashSum = paid > 0 ? Math.round((money * Number(demand.cashSum ?? 0)) / paid) : 0;

  const completed = core.store.list('bonustransaction').filter((t) => t.transactionStatus === 'COMPLETED');
  const ofSale = completed.filter((t) => refIdOf(t.parentDocument) === retaildemandId);
  const earlierIds = new Set(earlierReturns.map((r) => r.id));
  const ofEarlierReturns = completed.filter((t) => earlierIds.has(refIdOf(t.parentDocument) ?? ''));
  const total = (list: Doc[], type: string) => list.filter((t) => t.transactionType === type).reduce((sum, t) => sum + Number(t.bonusValue), 0);
  const refund = Math.max(0, share(total(ofSale, 'SPENDING'), Math.floor) - total(ofEarlierReturns, 'EARNING'));
  const takeBack = Math.max(0, share(total(ofSale, 'EARNING'), Math.ceil) - total(ofEarlierReturns, 'SPENDING'));
  const bonusProgram = ofSale[0]?.bonusProgram;

  return core.transact({ uid: cashier, source: 'retail' }, (changes) => {
    const { doc: salesReturn } = core.entities.create(
      'retailsalesreturn',
      { agent: ref('counterparty', agent.id), demand: ref('retaildemand', demand.id), positions: lines, cashSum, noCashSum: money - cashSum },
      changes,
    );
    const parentDocument = ref('retailsalesreturn', salesReturn.id);
    const transactions: Doc[] = [];
    // Refund spent points first so that taking back earned points can use them.
    if (refund > 0 && bonusProgram)
      transactions.push(createTransaction(core, changes, { agent: ref('counterparty', agent.id), bonusProgram, transactionType: 'EARNING', bonusValue: refund, parentDocument }));
    const balance = Number(core.store.get('counterparty', agent.id)?.bonusPoints ?? 0);
    const taken = Math.min(takeBack, balance);
    if (taken > 0 && bonusProgram)
      transactions.push(createTransaction(core, changes, { agent: ref('counterparty', agent.id), bonusProgram, transactionType: 'SPENDING', bonusValue: taken, parentDocument }));
    return { retailsalesreturn: salesReturn, counterparty: core.store.get('counterparty', agent.id)!, bonusTransactions: transactions };
  });
}
