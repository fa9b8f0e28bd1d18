// Types of the widget ⇄ proxy API, copied from docs/architecture.md ("Widget ⇄ proxy API").
// Types only: the browser bundle carries no schema library, the proxy validates on its side.

export type ConnectionState = 'connected' | 'needs_reauth' | 'not_connected';

export type WidgetStatus = {
  connected: boolean;
  moysklad: { state: ConnectionState; login?: string };
  amocrm: { state: 'installed' | 'needs_reinstall' };
  isAdmin: boolean;
};

export type ConnectionRequest = { login: string; password: string };
export type ConnectionResult = { connected: true; login: string };

export type Purchase = {
  id: string;
  number: string;
  moment: string;
  sumKopecks: number;
  items: { name: string; quantity: number; priceKopecks: number }[];
  pointsEarned: number;
  pointsSpent: number;
  returned: boolean;
};

export type LoyaltyProgram = {
  active: boolean;
  name: string;
  earnRateRoublesToPoint: number;
  spendRatePointsToRouble: number;
  maxPaidRatePercents: number;
};

export type CardView = {
  customer: { amoCustomerId: number; moyskladId: string; name: string };
  bonusCard: string | null;
  points: number;
  purchaseTotalKopecks: number;
  purchaseCount: number;
  referralLink: string | null;
  program: LoyaltyProgram | null;
  purchases: Purchase[];
  nextCursor: string | null;
  bounds: { minAmount: number; maxAmount: number };
};

export type PurchasePage = { items: Purchase[]; nextCursor: string | null };

export type BonusOperation = 'accrue' | 'redeem';
export type BonusRequest = { operation: BonusOperation; amount: number; comment?: string };
export type BonusResult = { operationId: string; points: number; status: 'completed' };

export type ReferrerRewardAt = 'signup' | 'first_purchase';
/** PUT /settings: the fields added after the first four may be omitted (they keep their stored values). */
export type Settings = {
  referralBonusNew: number;
  referralBonusReferrer: number;
  referrerRewardAt: ReferrerRewardAt;
  priceTypeId: string | null;
  bonusMaxPerOperation?: number | undefined;
  bonusMaxPerUserPerDay?: number | undefined;
  referralMaxPerReferrerPerDay?: number | undefined;
  referralPhoneConfirmation?: boolean | undefined;
  shopName?: string | undefined;
  privacyPolicyUrl?: string | null | undefined;
};
/** Every setting, as GET /settings and the PUT answer carry them. */
export type SettingsValues = { [K in keyof Settings]-?: Exclude<Settings[K], undefined> };
export type PriceType = { id: string; name: string };
export type SettingsView = SettingsValues & { priceTypes: PriceType[] };

export type SyncStatus = {
  lastSyncAt: string | null;
  mode: 'webhooks' | 'polling';
  queue: { pending: number; running: number; failed: number };
  import: { state: 'idle' | 'running' | 'done' | 'failed'; done: number; total: number };
  failedJobs: { id: string; kind: string; error: string; failedAt: string }[];
};

/** RFC 9457 problem details as the proxy sends them (`application/problem+json`). */
export type Problem = { type?: string; title?: string; status?: number; code?: string; detail?: string };
