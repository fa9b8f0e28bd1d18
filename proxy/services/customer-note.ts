import { accountOrderingKey, SYNC_JOBS } from '../sync/jobs.js';

/**
 * The job that writes a note on an amoCRM customer (`amocrm.customer_note`, handled by the sync module). Queued rather
 * than written inline, so a slow or failing amoCRM never breaks the operation it reports; in the account's order with
 * the sync's other amoCRM writes (proxy/sync/jobs.ts); `jobKey` makes a repeat of the same note a no-op while waiting.
 */
export function customerNoteJob(accountId: number, amoCustomerId: number, text: string, jobKey: string) {
  return {
    kind: SYNC_JOBS.customerNote,
    accountId,
    jobKey,
    orderingKey: accountOrderingKey(accountId),
    payload: { amoCustomerId, text },
  };
}
