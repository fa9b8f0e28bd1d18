import type { ReferrerRewardAt, Settings } from '../api/types.js';

/** Upper bound for referral points: generous for real programmes, small enough to catch typos. */
export const MAX_REFERRAL_POINTS = 100_000;

export type SettingsDraft = {
  referralBonusNew: string;
  referralBonusReferrer: string;
  referrerRewardAt: ReferrerRewardAt;
  priceTypeId: string;
};

export function toDraft(settings: Settings): SettingsDraft {
  return {
    referralBonusNew: String(settings.referralBonusNew),
    referralBonusReferrer: String(settings.referralBonusReferrer),
    referrerRewardAt: settings.referrerRewardAt,
    priceTypeId: settings.priceTypeId ?? '',
  };
}

/** Draft → Settings, or the names of the invalid fields. */
export function parseDraft(draft: SettingsDraft): { ok: true; settings: Settings } | { ok: false; invalid: string[] } {
  const referralBonusNew = parsePoints(draft.referralBonusNew);
  const referralBonusReferrer = parsePoints(draft.referralBonusReferrer);
  const invalid = [
    ...(referralBonusNew === null ? ['referralBonusNew'] : []),
    ...(referralBonusReferrer === null ? ['referralBonusReferrer'] : []),
  ];
  if (referralBonusNew === null || referralBonusReferrer === null) return { ok: false, invalid };
  return {
    ok: true,
    settings: {
      referralBonusNew,
      referralBonusReferrer,
      referrerRewardAt: draft.referrerRewardAt,
      priceTypeId: draft.priceTypeId === '' ? null : draft.priceTypeId,
    },
  };
}

function parsePoints(raw: string): number | null {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value <= MAX_REFERRAL_POINTS ? value : null;
}
