import { pointsCapForReceipt, pointsToKopecks, type ProgramRates } from '../moysklad/till-bonus-rules.js';
import { PosError } from './pos-backend.js';

/**
 * The till's rule for "pay partly with points": no more than the balance and no more than
 * maxPaidRatePercents of the receipt. The emulator would silently clamp an excess; the till page
 * refuses instead, so the cashier sees why. Same arithmetic as the emulator (till-bonus-rules.ts).
 */
export function checkPointsPayment(
  points: number,
  sumKopecks: number,
  balance: number | null,
  program: ProgramRates | null,
): { pointsKopecks: number } {
  if (points === 0) return { pointsKopecks: 0 };
  if (!program) throw new PosError(422, 'no_bonus_program', 'Бонусная программа не активна — оплата баллами недоступна');
  if (balance === null) throw new PosError(422, 'new_buyer_has_no_points', 'У нового покупателя ещё нет баллов');
  if (points > balance) {
    throw new PosError(422, 'not_enough_points', `Недостаточно баллов: на счёте ${balance}, запрошено ${points}`);
  }
  const allowed = Math.min(balance, pointsCapForReceipt(sumKopecks, program));
  if (points > allowed) {
    throw new PosError(
      422,
      'points_over_limit',
      `Баллами можно оплатить не больше ${program.maxPaidRatePercents}% чека — максимум ${allowed} баллов, запрошено ${points}`,
    );
  }
  return { pointsKopecks: pointsToKopecks(points, program) };
}
