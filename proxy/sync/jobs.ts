import { z } from 'zod';

/** Job kinds of the sync. One vocabulary with the logs and the status page. */
export const SYNC_JOBS = {
  connect: 'sync.connect',
  initialImport: 'sync.initial_import',
  entity: 'sync.entity',
  reconcile: 'sync.reconcile',
  amoProductDeleted: 'sync.amo_product_deleted',
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
});
export type EntityPayload = z.infer<typeof entityPayload>;
export const amoProductDeletedPayload = accountPayload.extend({ elementId: z.number().int().positive() });
export const customerNotePayload = z.object({ amoCustomerId: z.number().int().positive(), text: z.string().min(1).max(10_000) });

/**
 * Every job that writes to amoCRM for one account runs one at a time, across all processes (one ordering key per
 * account). Why not per entity: a till sale for a new buyer fires counterparty, retaildemand and bonustransaction
 * webhooks at once, and each of their jobs creates the buyer's customer when no link exists yet; the initial import
 * and reconciliation touch the same buyers too. Run in parallel they all see "no link" and create duplicates that
 * the amoCRM API cannot delete. amoCRM's 7 requests/s per account is the real throughput cap anyway, and while
 * amoCRM is down only the first job of the account burns its attempts instead of every job.
 */
export function accountOrderingKey(accountId: number): string {
  return `${accountId}:sync`;
}

/** A waiting duplicate is dropped (job key): a burst of UPDATE webhooks for one buyer becomes one re-read. */
export function entityJob(payload: EntityPayload) {
  const entity = `${payload.accountId}:${payload.entityType}:${payload.id}`;
  return {
    kind: SYNC_JOBS.entity,
    accountId: payload.accountId,
    payload,
    jobKey: `${entity}:${payload.action === 'DELETE' ? 'delete' : 'upsert'}`,
    orderingKey: accountOrderingKey(payload.accountId),
  };
}

/** A product deleted in amoCRM (webhook or catalog sweep): deleted or archived in МойСклад. */
export function amoProductDeletedJob(accountId: number, elementId: number) {
  return {
    kind: SYNC_JOBS.amoProductDeleted,
    accountId,
    payload: { accountId, elementId },
    jobKey: `${accountId}:amo-element-deleted:${elementId}`,
    orderingKey: accountOrderingKey(accountId),
  };
}

/**
 * Connect, import and reconcile share the account's ordering key with the entity jobs (see above). The job key drops
 * a second waiting copy (several processes tick at once).
 */
export function accountLifecycleJob(kind: typeof SYNC_JOBS.connect | typeof SYNC_JOBS.initialImport | typeof SYNC_JOBS.reconcile, accountId: number, payload: Record<string, unknown> = {}) {
  return { kind, accountId, payload: { accountId, ...payload }, jobKey: `${accountId}:${kind}`, orderingKey: accountOrderingKey(accountId) };
}
