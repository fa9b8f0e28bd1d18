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

/** One bonus operation of the buyer: who moved how many points, when, why, on which sale. */
export type BonusOperationView = {
  id: string;
  moment: string;
  kind: 'earned' | 'spent';
  points: number;
  status: 'completed' | 'pending' | 'canceled';
  /** null: made at the till or in MoySklad; `name` null: amoCRM did not tell the user's name. */
  author: { amoUserId: number; name: string | null } | null;
  comment: string | null;
  purchaseNumber: string | null;
};

export type BonusOperationPage = { items: BonusOperationView[]; nextCursor: string | null };

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
  operations: BonusOperationView[];
  operationsCursor: string | null;
  bounds: { minAmount: number; maxAmount: number };
};

/** A conditional GET: the new answer with its ETag, or "not modified" (keep what is shown). */
export type Conditional<T> = { notModified: true } | { notModified: false; data: T; etag: string | null };

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
  /** Repricing the catalog after the price type changed; `unpriced`: the first products without such a price. */
  reprice: {
    state: 'running' | 'done' | 'failed';
    priceTypeId: string | null;
    done: number;
    total: number;
    unpricedCount: number;
    unpriced: { moyskladId: string; name: string }[];
    finishedAt: string | null;
  } | null;
  failedJobs: { id: string; kind: string; error: string; problem: JobProblem | null; failedAt: string }[];
};

/** What to do about a failed job; each has words in `jobs.hint_*`. */
export type JobProblemHint = 'fix_in_moysklad' | 'reconnect_moysklad' | 'reinstall_widget' | 'amocrm_tariff' | 'deleted_in_amocrm' | 'retry_later';

/** What, why and what to do about a failed job, as the proxy stores it. */
export type JobProblem = {
  entity: { type: string; moyskladId: string | null; name: string | null } | null;
  field: string | null;
  message: string | null;
  hint: JobProblemHint;
};

/** RFC 9457 problem details as the proxy sends them (`application/problem+json`). */
export type Problem = { type?: string; title?: string; status?: number; code?: string; detail?: string };
