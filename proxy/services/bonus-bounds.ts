/**
 * Limits on one manual bonus operation from the widget. МойСклад documents no upper bound for
 * `bonusValue` (unconfirmed), so we cap it to stop fat-finger accruals; redeem is further capped
 * by the buyer's balance.
 */
export const MIN_BONUS_POINTS = 1;
export const MAX_BONUS_POINTS = 100_000;
export const MAX_BONUS_COMMENT_LENGTH = 500;

/** Upper bound of each referral reward in the settings (the widget form and the stored settings agree on it). */
export const MAX_REFERRAL_BONUS_POINTS = 100_000;

/**
 * Caps an admin sets on manual operations from the card (settings), within the hard bounds above. Defaults: a single
 * operation of up to 10 000 points, and 30 000 points per amoCRM user per day for accruals (and, separately, for
 * redeems), so a mistyped amount or a misused manager account cannot move more than that.
 */
export const DEFAULT_BONUS_MAX_PER_OPERATION = 10_000;
export const DEFAULT_BONUS_MAX_PER_USER_PER_DAY = 30_000;
export const MAX_BONUS_PER_USER_PER_DAY = 1_000_000;

/** Sign-ups one referrer's link may bring per day (the referral bonus is money: farming it costs the shop). */
export const DEFAULT_REFERRALS_PER_REFERRER_PER_DAY = 5;
export const MAX_REFERRALS_PER_REFERRER_PER_DAY = 1_000;
