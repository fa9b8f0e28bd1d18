import { z } from 'zod';

/** Job kinds of the sync. One vocabulary with the logs and the status page. */
export const SYNC_JOBS = {
  connect: 'sync.connect',
  initialImport: 'sync.initial_import',
  entity: 'sync.entity',
  reconcile: 'sync.reconcile',
  amoProductDeleted: 'sync.amo_product_deleted',
  /** amoCRM `update_customer`: our bonus fields may have been edited by hand (МойСклад is their source). */
  amoCustomerChanged: 'sync.amo_customer_changed',
  /** The price type changed on the settings page: every catalog element gets the new type's price. */
  reprice: 'sync.reprice',
  /** Enqueued by proxy/services/bonus-service.ts after a widget bonus operation. */
  customerNote: 'amocrm.customer_note',
} as const;

export const MOYSKLAD_SYNCED_TYPES = ['counterparty', 'product', 'productfolder', 'retaildemand', 'retailsalesreturn', 'bonustransaction'] as const;
export type SyncedType = (typeof MOYSKLAD_SYNCED_TYPES)[number];

export const accountPayload = z.object({ accountId: z.number().int().positive() });
export const importPayload = accountPayload.extend({ withSales: z.boolean().default(true) });
export const entityPayload = accountPayload.extend({
  entityType: z.enum(MOYSKLAD_SYNCED_TYPES),
  id: z.string().min(1).max(64),
  action: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  /** When the webhook arrived (epoch ms): a later read of the same entity already covers it. */
  receivedAt: z.number().int().positive().optional(),
});
export type EntityPayload = z.infer<typeof entityPayload>;
export const amoProductDeletedPayload = accountPayload.extend({ elementId: z.number().int().positive() });
/**
 * What an `update_customer` webhook says our two fields hold (a hint only: the job acts on a re-read). `known`: the
 * payload named fields by code, so a field it leaves out is empty; otherwise nothing can be told from it.
 */
const customerFieldClaimsSchema = z.object({ known: z.boolean(), points: z.string().max(300).nullable(), card: z.string().max(300).nullable() });
export type CustomerFieldClaims = z.infer<typeof customerFieldClaimsSchema>;
export const amoCustomerChangedPayload = accountPayload.extend({ customerId: z.number().int().positive(), claims: customerFieldClaimsSchema });
export const repricePayload = accountPayload.extend({ priceTypeId: z.string().max(64).nullable() });
export const customerNotePayload = z.object({ amoCustomerId: z.number().int().positive(), text: z.string().min(1).max(10_000) });

/**
 * Bulk work of an account (connect, import, reconciliation, the CLI's pass) runs one job at a time: it shares
 * stream positions and would only compete for the same rate budgets. Live jobs do not wait for it: they take the
 * leases of the buyers they touch (proxy/sync/leases.ts), which is the narrower guarantee that keeps a till sale's
 * three simultaneous webhooks from creating two customers.
 */
export function bulkOrderingKey(accountId: number): string {
  return `${accountId}:bulk`;
}

/** Events about one entity run in the order they arrived (a job key folds waiting duplicates into one). */
function entityOrderingKey(payload: EntityPayload): string {
  return `${payload.accountId}:${payload.entityType}:${payload.id}`;
}

/**
 * A till sale fires its buyer's counterparty and bonus webhooks together with the sale's; the sale's job reads the
 * buyer anyway. Those follow-up events wait this long, so that read usually covers them (`receivedAt`) and they cost
 * no request: МойСклад's 11 requests / 3 s allow about three reads per sale at a busy till.
 */
export const FOLLOW_UP_DELAY_MS = 1_000;

/** A waiting duplicate is folded into the waiting job (job key): a burst of UPDATE webhooks becomes one re-read. */
export function entityJob(payload: EntityPayload, options: { delayMs?: number } = {}) {
  const entity = `${payload.accountId}:${payload.entityType}:${payload.id}`;
  return {
    kind: SYNC_JOBS.entity,
    accountId: payload.accountId,
    payload,
    jobKey: `${entity}:${payload.action === 'DELETE' ? 'delete' : 'upsert'}`,
    orderingKey: entityOrderingKey(payload),
    // The newest event's arrival time is what a later read must cover.
    replacePayloadWhenDeduplicated: true,
    ...(options.delayMs ? { runAt: (payload.receivedAt ?? Date.now()) + options.delayMs } : {}),
  };
}

/** Follow-up events of a sale (see FOLLOW_UP_DELAY_MS); everything else runs at once. */
export function webhookDelayMs(entityType: SyncedType, action: EntityPayload['action']): number {
  return action !== 'DELETE' && (entityType === 'counterparty' || entityType === 'bonustransaction') ? FOLLOW_UP_DELAY_MS : 0;
}

/** A note on a customer (a widget operation, a referral): in the live lane, in order per customer. */
export function customerNoteJob(accountId: number, amoCustomerId: number, text: string, jobKey: string) {
  return {
    kind: SYNC_JOBS.customerNote,
    accountId,
    payload: { amoCustomerId, text },
    jobKey,
    orderingKey: `${accountId}:customer:${amoCustomerId}`,
  };
}

/**
 * A customer changed in amoCRM (webhook): in the live lane, in order per customer, a waiting duplicate folded into the
 * waiting job with the newest claims. Our own writes fire this too; their jobs cost no request (see
 * proxy/sync/rules/customer-fields.ts).
 */
export function amoCustomerChangedJob(accountId: number, customerId: number, claims: CustomerFieldClaims) {
  return {
    kind: SYNC_JOBS.amoCustomerChanged,
    accountId,
    payload: { accountId, customerId, claims },
    jobKey: `${accountId}:amo-customer-changed:${customerId}`,
    orderingKey: `${accountId}:customer:${customerId}`,
    replacePayloadWhenDeduplicated: true,
  };
}

/**
 * Repricing the whole catalog is bulk work (one at a time with the import and reconciliation). A second change of
 * the price type while one waits replaces it; one that comes while it runs queues a fresh pass after it.
 */
export function repriceJob(accountId: number, priceTypeId: string | null) {
  return {
    kind: SYNC_JOBS.reprice,
    accountId,
    payload: { accountId, priceTypeId },
    jobKey: `${accountId}:${SYNC_JOBS.reprice}`,
    orderingKey: bulkOrderingKey(accountId),
    replacePayloadWhenDeduplicated: true,
  };
}

/** A product deleted in amoCRM (webhook or catalog sweep): deleted or archived in МойСклад. */
export function amoProductDeletedJob(accountId: number, elementId: number) {
  return {
    kind: SYNC_JOBS.amoProductDeleted,
    accountId,
    payload: { accountId, elementId },
    jobKey: `${accountId}:amo-element-deleted:${elementId}`,
    orderingKey: `${accountId}:amo-element:${elementId}`,
  };
}

/** Connect, import and reconcile are the account's bulk lane (see above). The job key drops a second waiting copy. */
export function accountLifecycleJob(kind: typeof SYNC_JOBS.connect | typeof SYNC_JOBS.initialImport | typeof SYNC_JOBS.reconcile, accountId: number, payload: Record<string, unknown> = {}) {
  return { kind, accountId, payload: { accountId, ...payload }, jobKey: `${accountId}:${kind}`, orderingKey: bulkOrderingKey(accountId) };
}
