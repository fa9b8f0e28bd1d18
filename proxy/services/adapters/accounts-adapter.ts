import { z } from 'zod';
import type { AccountsRepository } from '../../db/repositories/accounts.js';
import { MAX_BONUS_PER_USER_PER_DAY, MAX_BONUS_POINTS, MAX_REFERRAL_BONUS_POINTS, MAX_REFERRALS_PER_REFERRER_PER_DAY } from '../bonus-bounds.js';
import { DEFAULT_SETTINGS, type AccountsPort, type AccountView, type Settings } from '../ports.js';

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

/** AccountsPort over proxy/db's AccountsRepository (which encrypts every secret column). */
export class AccountsAdapter implements AccountsPort {
  constructor(private readonly repository: AccountsRepository) {}

  async find(accountId: number): Promise<AccountView | null> {
    const record = await this.repository.find(accountId);
    if (!record) return null;
    return {
      accountId: record.accountId,
      subdomain: record.subdomain,
      status: record.status,
      needsReinstall: record.needsReinstall,
      needsReauth: record.needsReauth,
      moyskladConnected: record.moyskladConnected,
      moyskladLogin: record.moyskladLogin,
      hasAmoTokens: record.hasAmoTokens,
    };
  }

  ensure(accountId: number, subdomain: string): Promise<void> {
    return this.repository.ensure(accountId, subdomain);
  }
  saveMoySkladConnection(accountId: number, login: string, token: string, moyskladAccountId?: string): Promise<void> {
    return this.repository.saveMoySkladConnection(accountId, login, token, moyskladAccountId ?? null);
  }
  clearMoySkladConnection(accountId: number): Promise<void> {
    return this.repository.clearMoySkladConnection(accountId);
  }
  moyskladToken(accountId: number): Promise<string | null> {
    return this.repository.moyskladToken(accountId);
  }
  markMoySkladNeedsReauth(accountId: number): Promise<void> {
    return this.repository.markMoySkladNeedsReauth(accountId);
  }
  saveAmoTokens(accountId: number, subdomain: string, tokens: { accessToken: string; refreshToken: string; expiresAt: number }): Promise<void> {
    return this.repository.saveAmoTokens(accountId, subdomain, tokens);
  }
  wipeCredentials(accountId: number): Promise<boolean> {
    return this.repository.wipeCredentials(accountId);
  }
  rotateWebhookSecrets(accountId: number): Promise<void> {
    return this.repository.rotateWebhookSecrets(accountId);
  }

  async getSettings(accountId: number): Promise<Settings> {
    const raw = await this.repository.getSettings(accountId);
    return storedSettings.parse({ ...DEFAULT_SETTINGS, ...raw });
  }

  async saveSettings(accountId: number, settings: Settings): Promise<void> {
    // Other modules may keep their own keys in the same JSON object: merge, never drop them.
    const raw = await this.repository.getSettings(accountId);
    await this.repository.saveSettings(accountId, { ...raw, ...settings });
  }
}
