import { z } from 'zod';
import { jobProblemSchema } from '../../../queue/job-problem.js';
import {
  MAX_BONUS_COMMENT_LENGTH,
  MAX_BONUS_PER_USER_PER_DAY,
  MAX_BONUS_POINTS,
  MAX_REFERRAL_BONUS_POINTS,
  MAX_REFERRALS_PER_REFERRER_PER_DAY,
  MIN_BONUS_POINTS,
} from '../../../services/bonus-bounds.js';

/**
 * The `/api/widget/*` contract (docs/architecture.md) as zod schemas: requests are parsed with them and the
 * OpenAPI document is generated from them, so the two cannot drift apart.
 */

// ── inputs ──

/** amoCRM ids are positive integers; strings like "1e3", "0x10" or "12abc" are refused. */
export const amoCustomerParams = z.strictObject({
  amoCustomerId: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer').transform(Number).pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)),
});

export const jobParams = z.strictObject({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a job id') });

// Not strict: jQuery (cache: false) may add `_=<timestamp>`; unknown query keys are ignored.
export const purchasesQuery = z.object({
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_=-]*$/, 'must be a cursor returned by this API').optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const connectBody = z.strictObject({
  login: z.string().trim().min(1).max(254),
  // Never trimmed: spaces can be part of a password. Never logged or stored.
  password: z.string().min(1).max(256),
});

export const bonusBody = z.strictObject({
  operation: z.enum(['accrue', 'redeem']),
  amount: z.number().int().min(MIN_BONUS_POINTS).max(MAX_BONUS_POINTS),
  comment: z.string().trim().max(MAX_BONUS_COMMENT_LENGTH).optional(),
});

/** Client-generated, unique per user action (a UUID is ideal); printable ASCII only. */
export const idempotencyKeyHeader = z.string().regex(/^[\x21-\x7e]{1,100}$/);

/**
 * PUT /settings. The first four fields are required; the later ones are optional so that a client that predates them
 * does not reset them (an omitted field keeps its stored value). GET and the PUT answer always carry every field
 * (`settingsValues`).
 */
export const settingsSchema = z.strictObject({
  referralBonusNew: z.number().int().min(0).max(MAX_REFERRAL_BONUS_POINTS),
  referralBonusReferrer: z.number().int().min(0).max(MAX_REFERRAL_BONUS_POINTS),
  referrerRewardAt: z.enum(['signup', 'first_purchase']),
  priceTypeId: z.string().min(1).max(64).nullable(),
  bonusMaxPerOperation: z.number().int().min(MIN_BONUS_POINTS).max(MAX_BONUS_POINTS).describe('largest manual accrual or redeem, in points').optional(),
  bonusMaxPerUserPerDay: z.number().int().min(1).max(MAX_BONUS_PER_USER_PER_DAY).describe('points one amoCRM user may accrue (and separately redeem) per day, Moscow time').optional(),
  referralMaxPerReferrerPerDay: z.number().int().min(1).max(MAX_REFERRALS_PER_REFERRER_PER_DAY).describe('sign-ups one referral link may bring per day').optional(),
  referralPhoneConfirmation: z.boolean().describe('ask for a code sent to the phone (needs a configured sender)').optional(),
  shopName: z.string().trim().max(100).describe('shown on the public referral page').optional(),
  privacyPolicyUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(500).nullable().describe('linked next to the consent checkbox').optional(),
});

export const settingsValues = settingsSchema.required();

// ── outputs ──

export const statusView = z.object({
  connected: z.boolean(),
  moysklad: z.object({ state: z.enum(['connected', 'needs_reauth', 'not_connected']), login: z.string().optional() }),
  amocrm: z.object({ state: z.enum(['installed', 'needs_reinstall']) }),
  isAdmin: z.boolean(),
});

export const connectedView = z.object({ connected: z.literal(true), login: z.string() });

export const purchaseView = z.object({
  id: z.string(),
  number: z.string(),
  moment: z.string().describe('ISO-8601 with offset'),
  sumKopecks: z.number().int(),
  items: z.array(z.object({ name: z.string(), quantity: z.number(), priceKopecks: z.number().int() })),
  pointsEarned: z.number().int(),
  pointsSpent: z.number().int(),
  returned: z.boolean(),
});

export const purchasePage = z.object({ items: z.array(purchaseView), nextCursor: z.string().nullable() });

export const bonusOperationView = z.object({
  id: z.string().describe('МойСклад bonustransaction id'),
  moment: z.string().describe('ISO-8601 with offset'),
  kind: z.enum(['earned', 'spent']),
  points: z.number().int(),
  status: z.enum(['completed', 'pending', 'canceled']),
  author: z.object({ amoUserId: z.number().int(), name: z.string().nullable() }).nullable().describe('the amoCRM user who made it in the widget; null: the till or МойСклад'),
  comment: z.string().nullable(),
  purchaseNumber: z.string().nullable().describe('number of the sale it belongs to'),
});

export const bonusOperationPage = z.object({ items: z.array(bonusOperationView), nextCursor: z.string().nullable() });

export const cardView = z.object({
  customer: z.object({ amoCustomerId: z.number().int(), moyskladId: z.string(), name: z.string() }),
  bonusCard: z.string().nullable(),
  points: z.number().int(),
  purchaseTotalKopecks: z.number().int(),
  purchaseCount: z.number().int(),
  referralLink: z.string().nullable(),
  program: z
    .object({
      active: z.boolean(),
      name: z.string(),
      earnRateRoublesToPoint: z.number(),
      spendRatePointsToRouble: z.number(),
      maxPaidRatePercents: z.number(),
    })
    .nullable(),
  purchases: z.array(purchaseView),
  nextCursor: z.string().nullable(),
  operations: z.array(bonusOperationView).describe('first page of bonus operations, newest first'),
  operationsCursor: z.string().nullable(),
  bounds: z.object({ minAmount: z.number().int(), maxAmount: z.number().int() }),
});

export const bonusResult = z.object({
  operationId: z.string().describe('МойСклад bonustransaction id'),
  points: z.number().int().describe('the buyer’s balance after the operation'),
  status: z.literal('completed'),
});

export const settingsView = settingsValues.extend({ priceTypes: z.array(z.object({ id: z.string(), name: z.string() })) });

export const syncStatusView = z.object({
  lastSyncAt: z.string().nullable(),
  mode: z.enum(['webhooks', 'polling']),
  queue: z.object({ pending: z.number().int(), running: z.number().int(), failed: z.number().int() }),
  import: z.object({ state: z.enum(['idle', 'running', 'done', 'failed']), done: z.number().int(), total: z.number().int() }),
  reprice: z
    .object({
      state: z.enum(['running', 'done', 'failed']),
      priceTypeId: z.string().nullable(),
      done: z.number().int(),
      total: z.number().int(),
      unpricedCount: z.number().int().describe('products without a price of this type (their amoCRM price stays empty, never 0)'),
      unpriced: z.array(z.object({ moyskladId: z.string(), name: z.string() })).describe('the first of them'),
      finishedAt: z.string().nullable(),
    })
    .nullable()
    .describe('the whole-catalog repricing after the price type changed; null: never ran'),
  failedJobs: z.array(z.object({ id: z.string(), kind: z.string(), error: z.string().describe('raw error text, for support'), problem: jobProblemSchema.nullable().describe('what, why and what to do, for the admin'), failedAt: z.string() })),
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('stable machine-readable code'),
  detail: z.string().describe('human message in the language of Accept-Language (ru/en)'),
});
