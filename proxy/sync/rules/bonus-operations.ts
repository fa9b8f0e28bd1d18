import type { BonusOperationRow } from '../../db/repositories/bonus-operations.js';
import { parseMoscow, toMoscowIso } from '../../moysklad/moscow-time.js';
import { idFromHref } from '../../moysklad/schemas/common.js';
import type { BonusTransaction } from '../../moysklad/schemas/entities.js';
import type { RuleContext } from '../rule-context.js';

/** A МойСклад bonus operation as the card's history keeps it (author unknown here: the widget records its own). */
function operationRow(tx: BonusTransaction): BonusOperationRow | null {
  const buyer = tx.agent ? idFromHref(tx.agent.meta.href) : null;
  const moment = tx.moment ?? tx.created ?? tx.updated;
  if (!buyer || !moment || !(tx.bonusValue > 0)) return null;
  const at = parseMoscow(moment);
  return {
    id: tx.id,
    buyerMoyskladId: buyer,
    momentMs: at.getTime(),
    moment: toMoscowIso(at),
    type: tx.transactionType,
    value: tx.bonusValue,
    status: tx.transactionStatus ?? 'COMPLETED',
    retailDemandId: tx.parentDocument?.meta.type === 'retaildemand' ? idFromHref(tx.parentDocument.meta.href) : null,
    author: null,
    comment: tx.description ?? null,
  };
}

/**
 * Bonus operations the sync read anyway (a sale's, a page of the stream, the import's bulk listing) → the card's
 * history, for buyers the read model knows. No request of its own.
 */
export async function recordBonusOperations(ctx: RuleContext, transactions: readonly BonusTransaction[]): Promise<void> {
  const rows = transactions.map(operationRow).filter((row): row is BonusOperationRow => row !== null);
  if (rows.length === 0) return;
  const known = await ctx.readModel.knownBuyers(ctx.accountId, rows.map((row) => row.buyerMoyskladId));
  await ctx.bonusOperations.upsertBonusOperations(ctx.accountId, rows.filter((row) => known.has(row.buyerMoyskladId)));
}
