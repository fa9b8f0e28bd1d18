import type { ReferrerRewardAt, SettingsValues } from '../api/types.js';

/** Upper bound for referral points: generous for real programmes, small enough to catch typos. */
export const MAX_REFERRAL_POINTS = 100_000;

/**
 * Bounds of the admin's caps, the same the proxy validates (proxy/http/routes/widget/schemas.ts is the contract;
 * these copies only let the form explain a bad value before it is sent).
 */
export const CAP_BOUNDS = {
  bonusMaxPerOperation: { min: 1, max: 100_000 },
  bonusMaxPerUserPerDay: { min: 1, max: 1_000_000 },
  referralMaxPerReferrerPerDay: { min: 1, max: 1_000 },
} as const;
export const MAX_SHOP_NAME_LENGTH = 100;
export const MAX_PRIVACY_URL_LENGTH = 500;

type CapField = keyof typeof CAP_BOUNDS;

export type SettingsDraft = {
  referralBonusNew: string;
  referralBonusReferrer: string;
  referrerRewardAt: ReferrerRewardAt;
  priceTypeId: string;
  bonusMaxPerOperation: string;
  bonusMaxPerUserPerDay: string;
  referralMaxPerReferrerPerDay: string;
  referralPhoneConfirmation: boolean;
  shopName: string;
  privacyPolicyUrl: string;
};

export function toDraft(settings: SettingsValues): SettingsDraft {
  return {
    referralBonusNew: String(settings.referralBonusNew),
    referralBonusReferrer: String(settings.referralBonusReferrer),
    referrerRewardAt: settings.referrerRewardAt,
    priceTypeId: settings.priceTypeId ?? '',
    bonusMaxPerOperation: String(settings.bonusMaxPerOperation),
    bonusMaxPerUserPerDay: String(settings.bonusMaxPerUserPerDay),
    referralMaxPerReferrerPerDay: String(settings.referralMaxPerReferrerPerDay),
    referralPhoneConfirmation: settings.referralPhoneConfirmation,
    shopName: settings.shopName,
    privacyPolicyUrl: settings.privacyPolicyUrl ?? '',
  };
}

/** Draft → Settings, or the names of the invalid fields. */
export function parseDraft(draft: SettingsDraft): { ok: true; settings: SettingsValues } | { ok: false; invalid: string[] } {
  const referralBonusNew = parseInteger(draft.referralBonusNew, 0, MAX_REFERRAL_POINTS);
  const referralBonusReferrer = parseInteger(draft.referralBonusReferrer, 0, MAX_REFERRAL_POINTS);
  const cap = (field: CapField) => parseInteger(draft[field], CAP_BOUNDS[field].min, CAP_BOUNDS[field].max);
  const bonusMaxPerOperation = cap('bonusMaxPerOperation');
  const bonusMaxPerUserPerDay = cap('bonusMaxPerUserPerDay');
  const referralMaxPerReferrerPerDay = cap('referralMaxPerReferrerPerDay');
  const shopName = draft.shopName.trim();
  const privacyPolicyUrl = parsePrivacyUrl(draft.privacyPolicyUrl);
  const checks: [string, boolean][] = [
    ['referralBonusNew', referralBonusNew !== null],
    ['referralBonusReferrer', referralBonusReferrer !== null],
    ['bonusMaxPerOperation', bonusMaxPerOperation !== null],
    ['bonusMaxPerUserPerDay', bonusMaxPerUserPerDay !== null],
    ['referralMaxPerReferrerPerDay', referralMaxPerReferrerPerDay !== null],
    ['shopName', shopName.length <= MAX_SHOP_NAME_LENGTH],
    ['privacyPolicyUrl', privacyPolicyUrl !== undefined],
  ];
  const invalid = checks.filter(([, ok]) => !ok).map(([field]) => field);
  if (
    invalid.length > 0 ||
    referralBonusNew === null ||
    referralBonusReferrer === null ||
    bonusMaxPerOperation === null ||
    bonusMaxPerUserPerDay === null ||
    referralMaxPerReferrerPerDay === null ||
    privacyPolicyUrl === undefined
  ) {
    return { ok: false, invalid };
  }
  return {
    ok: true,
    settings: {
      referralBonusNew,
      referralBonusReferrer,
      referrerRewardAt: draft.referrerRewardAt,
      priceTypeId: draft.priceTypeId === '' ? null : draft.priceTypeId,
      bonusMaxPerOperation,
      bonusMaxPerUserPerDay,
      referralMaxPerReferrerPerDay,
      referralPhoneConfirmation: draft.referralPhoneConfirmation,
      shopName,
      privacyPolicyUrl,
    },
  };
}

function parseInteger(raw: string, min: number, max: number): number | null {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** '' → null (no link); an http(s) URL → itself; anything else → undefined (invalid). */
function parsePrivacyUrl(raw: string): string | null | undefined {
  const text = raw.trim();
  if (text === '') return null;
  if (text.length > MAX_PRIVACY_URL_LENGTH) return undefined;
  try {
    return /^https?:$/.test(new URL(text).protocol) ? text : undefined;
  } catch {
    return undefined; // not a URL at all
  }
}
