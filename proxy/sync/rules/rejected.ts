import { AmoValidationError, type AmoRejectedItem } from '../../amocrm/errors.js';
import { entityJob, type SyncedType } from '../jobs.js';
import type { RuleContext } from '../rule-context.js';

/**
 * Items amoCRM refused in a batch (validation errors other than "gone"); each item's request id is the МойСклад id of
 * its `entityType`. A live job is about one entity, so it fails with amoCRM's own validation error (the job is parked
 * and shown on the status page with what, why and what to do). Bulk work goes on — one buyer with a bad value must
 * not stop the import of the other thousands — and hands each refused entity to the live lane, where it gets that
 * same readable failed job.
 */
export async function reportRejected(ctx: RuleContext, what: string, rejected: readonly AmoRejectedItem<unknown>[], entityType?: SyncedType): Promise<void> {
  if (rejected.length === 0) return;
  const items = rejected.map((entry) => ({ requestId: entry.requestId, errors: entry.errors }));
  if (ctx.lane === 'live') {
    const first = rejected[0]!.errors[0];
    throw new AmoValidationError(`amoCRM refused the ${what} ${rejected[0]!.requestId}: ${first?.path ?? ''} ${first?.detail ?? first?.code ?? ''}`.trim(), {
      status: 400,
      detail: first?.detail,
      items: [...rejected],
    });
  }
  ctx.logger.warn({ accountId: ctx.accountId, what, items }, 'amoCRM refused items of a batch; the rest was written');
  await ctx.operationLog.append({ accountId: ctx.accountId, userId: null, kind: 'sync.rejected', details: { what, items } });
  if (entityType === undefined) return;
  for (const id of new Set(rejected.map((entry) => entry.requestId))) {
    await ctx.queue.enqueue(entityJob({ accountId: ctx.accountId, entityType, id, action: 'UPDATE' }));
  }
}
