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
 * Jobs for one МойСклад entity run in order (ordering key) and a waiting duplicate is dropped (job key): a burst
 * of UPDATE webhooks for one buyer becomes one re-read of that buyer.
 */
export function entityJob(payload: EntityPayload) {
  const entity = `${payload.accountId}:${payload.entityType}:${payload.id}`;
  return {
    kind: SYNC_JOBS.entity,
    accountId: payload.accountId,
    payload,
    jobKey: `${entity}:${payload.action === 'DELETE' ? 'delete' : 'upsert'}`,
    orderingKey: entity,
  };
}

/**
 * Connect, import and reconcile of one account run one at a time (same ordering key): they read and write the
 * same cursors and amoCRM settings. The job key drops a second waiting copy (several processes tick at once).
 */
export function accountLifecycleJob(kind: typeof SYNC_JOBS.connect | typeof SYNC_JOBS.initialImport | typeof SYNC_JOBS.reconcile, accountId: number, payload: Record<string, unknown> = {}) {
  return { kind, accountId, payload: { accountId, ...payload }, jobKey: `${accountId}:${kind}`, orderingKey: `${accountId}:lifecycle` };
}
