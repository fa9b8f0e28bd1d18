/**
 * The amoCRM notes a referral leaves on both customers: who referred whom and what each got. Written for the shop's
 * staff (full names are fine inside the CRM), in Russian like every note the proxy writes.
 */
export type ReferralFacts = {
  referrerName: string;
  newName: string;
  /** Points the new buyer got for signing up (0: none). */
  pointsNew: number;
  /** Points the referrer got or will get. */
  pointsReferrer: number;
  /** The referrer's reward is paid at sign-up, or once the new buyer has made a first purchase. */
  referrerRewardAt: 'signup' | 'first_purchase';
};

const points = (value: number) => `${value} ${plural(value, 'балл', 'балла', 'баллов')}`;

function plural(value: number, one: string, few: string, many: string): string {
  const mod10 = value % 10;
  const mod100 = value % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

function referrerPart(facts: ReferralFacts): string {
  if (facts.pointsReferrer <= 0) return 'пригласившему баллы не начисляются';
  return facts.referrerRewardAt === 'signup' ? `пригласившему начислено ${points(facts.pointsReferrer)}` : `пригласившему будет начислено ${points(facts.pointsReferrer)} после первой покупки нового покупателя`;
}

function newPart(facts: ReferralFacts): string {
  return facts.pointsNew > 0 ? `новому покупателю начислено ${points(facts.pointsNew)}` : 'новому покупателю баллы не начислялись';
}

/** On the referrer's customer, at sign-up. */
export function referrerSignupNote(facts: ReferralFacts): string {
  return `Реферальная программа: по приглашению этого покупателя зарегистрирован новый покупатель ${facts.newName}; ${newPart(facts)}, ${referrerPart(facts)}.`;
}

/** On the new buyer's customer, once the sync has created it. */
export function newBuyerSignupNote(facts: ReferralFacts): string {
  return `Реферальная программа: покупатель зарегистрирован по приглашению покупателя ${facts.referrerName}; ${newPart(facts)}, ${referrerPart(facts)}.`;
}

/** On both, when a referrer is paid after the new buyer's first purchase. */
export function referrerRewardNote(facts: Pick<ReferralFacts, 'referrerName' | 'newName' | 'pointsReferrer'>, on: 'referrer' | 'new'): string {
  return on === 'referrer'
    ? `Реферальная программа: начислено ${points(facts.pointsReferrer)} за первую покупку приглашённого покупателя ${facts.newName}.`
    : `Реферальная программа: за первую покупку этого покупателя пригласившему (${facts.referrerName}) начислено ${points(facts.pointsReferrer)}.`;
}
