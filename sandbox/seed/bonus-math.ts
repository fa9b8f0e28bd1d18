import { pointsCapForReceipt, pointsEarned, pointsToKopecks as tillPointsToKopecks } from '../moysklad/till-bonus-rules.js';
import type { SeedBonusProgram } from './types.js';

/**
 * Bonus arithmetic of the seed's past sales. It delegates to the emulator's till rules so that history
 * made by the seed and sales made at the sandbox till follow one reading of the (unconfirmed) rate fields:
 *   earnRateRoublesToPoint = N  → 1 point per N whole roubles paid with money;
 *   spendRatePointsToRouble = M → M points pay for 1 rouble;
 *   maxPaidRatePercents = P     → points pay at most P % of the receipt.
 */
type Rates = Pick<SeedBonusProgram, 'earnRateRoublesToPoint' | 'spendRatePointsToRouble' | 'maxPaidRatePercents'> &
  Partial<Pick<SeedBonusProgram, 'earnWhileRedeeming'>>;

const rates = (program: Rates) => ({ earnWhileRedeeming: false, ...program });

/** The most points a buyer may spend on a receipt: capped by maxPaidRatePercents of the sum and by the balance. */
export function maxSpendablePoints(sumKopecks: number, balance: number, program: Rates): number {
  return Math.max(0, Math.min(balance, pointsCapForReceipt(sumKopecks, rates(program))));
}

/** Kopecks that `points` pay for (rounded down, in the shop's favour). */
export function pointsToKopecks(points: number, program: Rates): number {
  return tillPointsToKopecks(points, rates(program));
}

/** Points earned on the money part of a receipt where `pointsSpent` points were also used. */
export function earnedPoints(paidKopecks: number, pointsSpent: number, program: Rates): number {
  return pointsEarned(paidKopecks, pointsSpent, rates(program));
}
