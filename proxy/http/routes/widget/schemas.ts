import { z } from 'zod';
import { MAX_BONUS_COMMENT_LENGTH, MAX_BONUS_POINTS, MIN_BONUS_POINTS } from '../../../services/bonus-bounds.js';

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

// ── outputs ──

// The answers (and the settings PUT /settings accepts) are what the services produce: they live with them in
// proxy/services/widget-views.ts and are re-exported here, so the routes, /openapi.json and the widget's types
// (widget/api/types.ts, `import type` only) all read one definition.
export {
  bonusOperationPage,
  bonusOperationView,
  bonusResult,
  cardImportView,
  cardView,
  connectedView,
  purchasePage,
  purchaseView,
  settingsSchema,
  settingsValues,
  settingsView,
  statusView,
  syncStatusView,
} from '../../../services/widget-views.js';

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('stable machine-readable code'),
  detail: z.string().describe('human message in the language of Accept-Language (ru/en)'),
});
