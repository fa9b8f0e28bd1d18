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
