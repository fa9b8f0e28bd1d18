import { ApiError } from '../api-error.js';
import type { ChangeSet } from '../change-set.js';
import type { KindServices } from '../core-types.js';
import type { Doc } from '../store.js';
import { refIdOf } from './kind-helpers.js';

/**
 * Emulator-only error code for SPENDING more points than the buyer has. The real answer is
 * unconfirmed (the documentation does not describe it); HTTP 412 with this code is what the
 * emulator sends, so the product must treat any 4xx on a SPENDING as "not applied".
 */
export const INSUFFICIENT_POINTS_CODE = 62100;

/** How a transaction moves its agent's balance: only applicable, COMPLETED ones count. */
function effect(tx: Doc | undefined): { agentId: string; delta: number } | null {
  if (!tx || tx.applicable === false || tx.transactionStatus !== 'COMPLETED') return null;
  const agentId = refIdOf(tx.agent, 'counterparty');
  if (!agentId) return null;
  const value = Number(tx.bonusValue ?? 0);
  return { agentId, delta: tx.transactionType === 'SPENDING' ? -value : value };
}

/**
 * Moves `bonusPoints` synchronously for a created, changed or deleted bonus transaction.
 * (Whether the real service updates the balance in the same request is unconfirmed; the emulator does.)
 * Validates every affected balance first, then applies, so a refused change leaves no trace.
 */
export function applyBonusChange(prev: Doc | undefined, next: Doc | undefined, services: KindServices, changes: ChangeSet): void {
  const deltas = new Map<string, number>();
  const before = effect(prev);
  const after = effect(next);
  if (before) deltas.set(before.agentId, (deltas.get(before.agentId) ?? 0) - before.delta);
  if (after) deltas.set(after.agentId, (deltas.get(after.agentId) ?? 0) + after.delta);

  const plan: { agent: Doc; from: number; to: number }[] = [];
  for (const [agentId, delta] of deltas) {
    if (delta === 0) continue;
    const agent = services.store.get('counterparty', agentId);
    if (!agent) continue; // a deleted agent's history no longer moves any balance
    const from = Number(agent.bonusPoints ?? 0);
    const to = from + delta;
    if (to < 0)
      throw new ApiError(412, INSUFFICIENT_POINTS_CODE, `Недостаточно баллов: на счёте ${from}, требуется ${-delta}`, {
        parameter: 'bonusValue',
      });
    const max = services.options.maxBonusBalance;
    if (max !== undefined && delta > 0 && to > max)
      throw new ApiError(412, 62004, `Количество баллов превышает допустимый максимальный баланс (${max})`, {
        parameter: 'bonusValue',
      });
    plan.push({ agent, from, to });
  }
  for (const { agent, from, to } of plan) {
    agent.bonusPoints = to;
    if (services.options.counterpartyUpdateOnBonusChange)
      changes.add({
        entityType: 'counterparty',
        entityId: agent.id,
        action: 'UPDATE',
        name: String(agent.name),
        diff: { bonusPoints: { oldValue: from, newValue: to } },
      });
  }
}
