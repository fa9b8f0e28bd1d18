import { z } from 'zod';
import { jobProblemSchema } from '../queue/job-problem.js';
import { MAX_BONUS_PER_USER_PER_DAY, MAX_BONUS_POINTS, MAX_REFERRAL_BONUS_POINTS, MAX_REFERRALS_PER_REFERRER_PER_DAY, MIN_BONUS_POINTS } from './bonus-bounds.js';

/**
 * What the widget services answer (and the settings they accept), as zod schemas: the one definition of the
 * `/api/widget/*` answers. The routes validate and document with them (proxy/http/routes/widget/schemas.ts re-exports
 * them, /openapi.json is generated from them), the services type their results with the inferred types below, and the
 * widget types its API client from them (`import type` only: no zod in the browser bundle).
 */

// ── settings ──

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

// ── answers ──

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

/** An unfinished first import (on the card, and on the 409 `customer_importing` problem as `import`). */
export const cardImportView = z.object({ state: z.enum(['running', 'failed']), done: z.number().int(), total: z.number().int() });

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
  import: cardImportView.nullable().describe('set while the first import has not finished: totals and lists may still be incomplete'),
});

export const bonusResult = z.object({
  operationId: z.string().describe('МойСклад bonustransaction id'),
  points: z.number().int().describe('the buyer’s balance after the operation'),
  status: z.literal('completed'),
});

export const settingsView = settingsValues.extend({ priceTypes: z.array(z.object({ id: z.string(), name: z.string() })) });

export const syncStatusView = z.object({
  lastSyncAt: z.string().nullable(),
  mode: z.enum(['webhooks', 'polling']).describe('`polling` as soon as one МойСклад entity type is polled (see `realtime.polled`)'),
  realtime: z
    .object({
      checkedAt: z.string().nullable().describe('when our МойСклад webhooks were last verified against МойСклад (null: not yet)'),
      lastEventAt: z.string().nullable().describe('when a МойСклад webhook last reached the proxy (null: none yet)'),
      webhooks: z.object({ present: z.number().int(), expected: z.number().int(), restored: z.number().int().describe('recreated or re-enabled by the last check') }),
      polled: z.array(
        z.object({
          entityType: z.string(),
          reason: z.enum(['tariff', 'no_rights', 'limit', 'failing']).describe('tariff: 30006; no_rights: 30004; limit: 5 webhooks of the type taken (30007); failing: deliveries do not arrive'),
          everySeconds: z.number(),
        }),
      ),
    })
    .describe('how changes reach the sync, as last verified'),
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

// ── the inferred types the services produce ──

export type SettingsChange = z.input<typeof settingsSchema>;
export type SettingsValuesView = z.output<typeof settingsValues>;
export type SettingsView = z.output<typeof settingsView>;
export type StatusView = z.output<typeof statusView>;
export type ConnectedView = z.output<typeof connectedView>;
export type PurchaseView = z.output<typeof purchaseView>;
export type PurchasePage = z.output<typeof purchasePage>;
export type BonusOperationView = z.output<typeof bonusOperationView>;
export type BonusOperationPageView = z.output<typeof bonusOperationPage>;
export type FirstImportView = z.output<typeof cardImportView>;
export type CardView = z.output<typeof cardView>;
export type BonusResult = z.output<typeof bonusResult>;
export type SyncStatusView = z.output<typeof syncStatusView>;
