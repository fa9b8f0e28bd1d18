import { z } from 'zod';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import {
  DEFAULT_BONUS_MAX_PER_OPERATION,
  DEFAULT_BONUS_MAX_PER_USER_PER_DAY,
  DEFAULT_REFERRALS_PER_REFERRER_PER_DAY,
  MAX_BONUS_PER_USER_PER_DAY,
  MAX_BONUS_POINTS,
  MAX_REFERRAL_BONUS_POINTS,
  MAX_REFERRALS_PER_REFERRER_PER_DAY,
} from './bonus-bounds.js';

export type ReferrerRewardAt = 'signup' | 'first_purchase';

export type Settings = {
  referralBonusNew: number;
  referralBonusReferrer: number;
  referrerRewardAt: ReferrerRewardAt;
  priceTypeId: string | null;
  /** Largest manual accrual or redeem from the card, in points. */
  bonusMaxPerOperation: number;
  /** Points one amoCRM user may accrue per day (Moscow time), and separately redeem. */
  bonusMaxPerUserPerDay: number;
  /** Sign-ups one referrer's link may bring per day (Moscow time). */
  referralMaxPerReferrerPerDay: number;
  /** Ask the referral page for a code sent to the phone (a hook: needs a configured sender; off by default). */
  referralPhoneConfirmation: boolean;
  /** The shop's name on the public referral page ('' = not named). */
  shopName: string;
  /** The shop's privacy policy, linked next to the consent checkbox on the referral page. */
  privacyPolicyUrl: string | null;
};

export const DEFAULT_SETTINGS: Settings = {
  referralBonusNew: 0,
  referralBonusReferrer: 0,
  referrerRewardAt: 'first_purchase',
  priceTypeId: null,
  bonusMaxPerOperation: DEFAULT_BONUS_MAX_PER_OPERATION,
  bonusMaxPerUserPerDay: DEFAULT_BONUS_MAX_PER_USER_PER_DAY,
  referralMaxPerReferrerPerDay: DEFAULT_REFERRALS_PER_REFERRER_PER_DAY,
  referralPhoneConfirmation: false,
  shopName: '',
  privacyPolicyUrl: null,
};

// Stored settings are read leniently: a field written by an older version, or missing, falls back to its default.
const storedSettings = z.object({
  referralBonusNew: z.number().int().min(0).max(MAX_REFERRAL_BONUS_POINTS).catch(DEFAULT_SETTINGS.referralBonusNew),
  referralBonusReferrer: z.number().int().min(0).max(MAX_REFERRAL_BONUS_POINTS).catch(DEFAULT_SETTINGS.referralBonusReferrer),
  referrerRewardAt: z.enum(['signup', 'first_purchase']).catch(DEFAULT_SETTINGS.referrerRewardAt),
  priceTypeId: z.string().nullable().catch(DEFAULT_SETTINGS.priceTypeId),
  bonusMaxPerOperation: z.number().int().min(1).max(MAX_BONUS_POINTS).catch(DEFAULT_SETTINGS.bonusMaxPerOperation),
  bonusMaxPerUserPerDay: z.number().int().min(1).max(MAX_BONUS_PER_USER_PER_DAY).catch(DEFAULT_SETTINGS.bonusMaxPerUserPerDay),
  referralMaxPerReferrerPerDay: z.number().int().min(1).max(MAX_REFERRALS_PER_REFERRER_PER_DAY).catch(DEFAULT_SETTINGS.referralMaxPerReferrerPerDay),
  referralPhoneConfirmation: z.boolean().catch(DEFAULT_SETTINGS.referralPhoneConfirmation),
  shopName: z.string().max(100).catch(DEFAULT_SETTINGS.shopName),
  privacyPolicyUrl: z.url({ protocol: /^https?$/ }).max(500).nullable().catch(DEFAULT_SETTINGS.privacyPolicyUrl),
});

/**
 * The widget settings of an account, kept in the account row's settings JSON (`AccountsRepository.getSettings`). Read
 * leniently: every field has a default, and a stored value an older version wrote out of today's bounds falls back to
 * it. Saved by merging, so keys other modules keep in the same object survive.
 */
export class WidgetSettings {
  constructor(private readonly accounts: Pick<AccountsRepository, 'getSettings' | 'saveSettings'>) {}

  async get(accountId: number): Promise<Settings> {
    const raw = await this.accounts.getSettings(accountId);
    return storedSettings.parse({ ...DEFAULT_SETTINGS, ...raw });
  }

  async save(accountId: number, settings: Settings): Promise<void> {
    const raw = await this.accounts.getSettings(accountId);
    await this.accounts.saveSettings(accountId, { ...raw, ...settings });
  }
}
