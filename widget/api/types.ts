// Types of the widget ⇄ proxy API, inferred from the proxy's route schemas (proxy/http/routes/widget/schemas.ts, the
// same ones the routes validate with and /openapi.json is generated from), so they cannot drift from what the proxy
// answers. `import type` only: the import is erased at build time and the browser bundle carries no schema library.
import type { z } from 'zod';
import type * as api from '../../proxy/http/routes/widget/schemas.js';

export type WidgetStatus = z.output<typeof api.statusView>;
export type ConnectionState = WidgetStatus['moysklad']['state'];

export type ConnectionRequest = z.input<typeof api.connectBody>;
export type ConnectionResult = z.output<typeof api.connectedView>;

export type Purchase = z.output<typeof api.purchaseView>;
export type PurchasePage = z.output<typeof api.purchasePage>;

/** One bonus operation of the buyer: who moved how many points, when, why, on which sale. */
export type BonusOperationView = z.output<typeof api.bonusOperationView>;
export type BonusOperationPage = z.output<typeof api.bonusOperationPage>;

export type CardView = z.output<typeof api.cardView>;
export type LoyaltyProgram = NonNullable<CardView['program']>;
/** An unfinished first import: rows applied of rows found (also on the 409 `customer_importing` problem). */
export type FirstImport = z.output<typeof api.cardImportView>;

/** A conditional GET: the new answer with its ETag, or "not modified" (keep what is shown). */
export type Conditional<T> = { notModified: true } | { notModified: false; data: T; etag: string | null };

export type BonusRequest = z.input<typeof api.bonusBody>;
export type BonusOperation = BonusRequest['operation'];
export type BonusResult = z.output<typeof api.bonusResult>;

/** PUT /settings: the fields added after the first four may be omitted (they keep their stored values). */
export type Settings = z.input<typeof api.settingsSchema>;
export type ReferrerRewardAt = Settings['referrerRewardAt'];
/** Every setting, as GET /settings and the PUT answer carry them. */
export type SettingsValues = z.output<typeof api.settingsValues>;
export type SettingsView = z.output<typeof api.settingsView>;
export type PriceType = SettingsView['priceTypes'][number];

export type SyncStatus = z.output<typeof api.syncStatusView>;
/** How changes reach the sync, as the proxy last verified it. */
export type RealtimeStatus = SyncStatus['realtime'];
/** Why a MoySklad entity type is polled: free tariff (30006), no admin rights (30004), 5 webhooks taken (30007), failing deliveries. */
export type PollReason = RealtimeStatus['polled'][number]['reason'];
/** What, why and what to do about a failed job, as the proxy stores it. */
export type JobProblem = NonNullable<SyncStatus['failedJobs'][number]['problem']>;
/** What to do about a failed job; each has words in `jobs.hint_*`. */
export type JobProblemHint = JobProblem['hint'];

/** RFC 9457 problem details as the proxy sends them (`application/problem+json`). */
export type Problem = { type?: string; title?: string; status?: number; code?: string; detail?: string };
