import { z } from 'zod';
import { ApiError, notFound } from './api-error.js';
import type { ChangeSet } from './change-set.js';
import type { EmulatorCore } from './core.js';
import { SALE_PRICE_TYPE_NAME } from './fixtures.js';
import { INSUFFICIENT_POINTS_CODE } from './kinds/bonus-ledger.js';
import { activeBonusProgram } from './kinds/bonusprogram.js';
import { refIdOf } from './kinds/kind-helpers.js';
import { normalizeMskTimestamp } from './msk-time.js';
import { isObject, ref, refTarget } from './references.js';
import type { Doc } from './store.js';
import { pointsCapForReceipt, pointsEarned, pointsToKopecks, programAppliesTo, ratesOf } from './till-bonus-rules.js';

export const tillSaleInput = z.object({
  buyer: z.union([
    z.object({ id: z.string().min(1) }).strict(),
    z.object({
      name: z.string().trim().min(1).max(255),
      phone: z.string().trim().min(1).max(255),
      discountCardNumber: z.string().trim().min(1).max(255).optional(),
      email: z.string().trim().max(255).optional(),
    }),
  ]),
  positions: z.array(z.object({ productId: z.string().min(1), quantity: z.number().positive() })).min(1).max(1000),
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

function retailPrice(core: EmulatorCore, product: Doc): number {
  const saleType = core.store.list('pricetype').find((t) => t.name === SALE_PRICE_TYPE_NAME);
  const prices = Array.isArray(product.salePrices) ? product.salePrices : [];
  const price = prices.find((p) => isObject(p) && refTarget(p.priceType)?.id === saleType?.id);
  return Math.round(Number((price as Record<string, unknown> | undefined)?.value ?? 0));
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
  const lines = input.positions.map(({ productId, quantity }) => {
    const product = core.store.get('product', productId);
    if (!product) throw notFound('product', productId);
    if (product.archived === true) throw new ApiError(412, 2016, `Товар '${product.name}' в архиве и не продаётся`);
    return { product, quantity, price: retailPrice(core, product) };
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
        positions: lines.map((line) => ({ assortment: ref('product', line.product.id), quantity: line.quantity, price: line.price })),
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

/**
 * A full return of one receipt: a retailsalesreturn with the same positions, spent points given back
 * and earned points taken back (never below zero — the buyer may have spent them already).
 */
export function returnAtTill(core: EmulatorCore, retaildemandId: string, cashier: string): TillReturnOutcome {
  const demand = core.store.get('retaildemand', retaildemandId);
  if (!demand) throw notFound('retaildemand', retaildemandId);
  if (core.store.list('retailsalesreturn').some((r) => refIdOf(r.demand) === retaildemandId))
    throw new ApiError(409, 3006, `Продажа ${demand.name} уже возвращена`);
  const agentId = refIdOf(demand.agent, 'counterparty');
  const agent = agentId ? core.store.get('counterparty', agentId) : undefined;
  if (!agent) throw notFound('counterparty', agentId ?? '');
  const related = core.store
    .list('bonustransaction')
    .filter((t) => refIdOf(t.parentDocument) === retaildemandId && t.transactionStatus === 'COMPLETED');

  return core.transact({ uid: cashier, source: 'retail' }, (changes) => {
    const { doc: salesReturn } = core.entities.create(
      'retailsalesreturn',
      {
        agent: ref('counterparty', agent.id),
        demand: ref('retaildemand', demand.id),
        positions: (demand.positions as Record<string, unknown>[]).map((p) => ({ assortment: p.assortment, quantity: p.quantity, price: p.price, discount: p.discount })),
        cashSum: demand.cashSum,
        noCashSum: demand.noCashSum,
      },
      changes,
    );
    const parentDocument = ref('retailsalesreturn', salesReturn.id);
    const transactions: Doc[] = [];
    // Refund spent points first so that taking back earned points can use them.
    const rank = (tx: Doc) => (tx.transactionType === 'SPENDING' ? 0 : 1);
    const ordered = [...related].sort((a, b) => rank(a) - rank(b));
    for (const tx of ordered) {
      const refund = tx.transactionType === 'SPENDING';
      const balance = Number(core.store.get('counterparty', agent.id)?.bonusPoints ?? 0);
      const value = refund ? Number(tx.bonusValue) : Math.min(Number(tx.bonusValue), balance);
      if (value <= 0) continue;
      transactions.push(
        createTransaction(core, changes, {
          agent: ref('counterparty', agent.id),
          bonusProgram: tx.bonusProgram,
          transactionType: refund ? 'EARNING' : 'SPENDING',
          bonusValue: value,
          parentDocument,
        }),
      );
    }
    return { retailsalesreturn: salesReturn, counterparty: core.store.get('counterparty', agent.id)!, bonusTransactions: transactions };
  });
}
