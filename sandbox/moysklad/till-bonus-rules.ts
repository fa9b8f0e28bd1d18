import type { Doc } from './store.js';

/**
 * How «Касса МойСклад» turns a bonus program into points. The API does not say which way the rate
 * fields point (unconfirmed); the whole sandbox (seed, till page, emulator) reads them as:
 *   earnRateRoublesToPoint = N  → 1 point per N whole roubles paid with money;
 *   spendRatePointsToRouble = M → M points pay for 1 rouble;
 *   maxPaidRatePercents = P     → points may pay at most P % of the receipt.
 * Kopecks and points are integers; every rounding goes in the shop's favour.
 */
export interface ProgramRates {
  earnRateRoublesToPoint: number;
  spendRatePointsToRouble: number;
  maxPaidRatePercents: number;
  earnWhileRedeeming: boolean;
}

export function ratesOf(program: Doc): ProgramRates {
  return {
    earnRateRoublesToPoint: Math.max(1, Number(program.earnRateRoublesToPoint ?? 1)),
    spendRatePointsToRouble: Math.max(1, Number(program.spendRatePointsToRouble ?? 1)),
    maxPaidRatePercents: Number(program.maxPaidRatePercents ?? 100),
    earnWhileRedeeming: program.earnWhileRedeeming === true,
  };
}

/** Points the receipt allows to spend by the percentage cap alone. */
export function pointsCapForReceipt(sumKopecks: number, rates: ProgramRates): number {
  const capKopecks = Math.floor((sumKopecks * rates.maxPaidRatePercents) / 100);
  return Math.floor((capKopecks * rates.spendRatePointsToRouble) / 100);
}

export function pointsToKopecks(points: number, rates: ProgramRates): number {
  return Math.floor((points * 100) / rates.spendRatePointsToRouble);
}

/** Points earned on the money part; nothing when points were spent and earnWhileRedeeming is off. */
export function pointsEarned(paidKopecks: number, pointsSpent: number, rates: ProgramRates): number {
  if (pointsSpent > 0 && !rates.earnWhileRedeeming) return 0;
  return Math.floor(paidKopecks / (rates.earnRateRoublesToPoint * 100));
}

/** Whether the program applies to this buyer: all agents, or one of its groups (`tags`). */
export function programAppliesTo(program: Doc, agent: Doc): boolean {
  if (program.allAgents !== false) return true;
  const wanted = Array.isArray(program.agentTags) ? program.agentTags : [];
  const tags = Array.isArray(agent.tags) ? agent.tags : [];
  return tags.some((tag) => wanted.includes(tag));
}
