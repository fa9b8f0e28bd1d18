import { AmoValidationError, type AmoRejectedItem } from '../../amocrm/errors.js';
import type { RuleContext } from '../rule-context.js';

/**
 * Items amoCRM refused in a batch (validation errors other than "gone"). A live job is about one entity, so it
 * fails with amoCRM's own validation error (the job is parked and shown on the status page). Bulk work reports the
 * items and goes on: one buyer with a bad value must not stop the import of the other thousands.
 */
export async function reportRejected(ctx: RuleContext, what: string, rejected: readonly AmoRejectedItem<unknown>[]): Promise<void> {
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
}
