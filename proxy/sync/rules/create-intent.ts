import type { RuleContext } from '../rule-context.js';

/**
 * Creates one amoCRM entity exactly once across crashes. The gap to close: amoCRM answered the create, then the
 * process died before our link row was written, so a retry would create a second entity (amoCRM's API cannot delete
 * customers or notes). Before the create we record an intent; a retry that finds it searches amoCRM for what the
 * earlier attempt may have written (marker, EXTERNAL_ID, our customer field) before creating anything. Without an
 * intent no earlier attempt reached amoCRM, so the search (a paged read per entity) is skipped.
 * Batches use the same intents: recorded for the whole batch before it is sent, cleared per item once linked.
 */
export async function createOnce(
  ctx: RuleContext,
  key: string,
  steps: { search: () => Promise<number | null>; create: () => Promise<number>; link: (amoId: number) => Promise<void> },
): Promise<number> {
  const earlier = await ctx.intents.has(ctx.accountId, key);
  ctx.signal?.throwIfAborted();
  let amoId = earlier ? await steps.search() : null;
  if (amoId === null) {
    if (!earlier) await ctx.intents.record(ctx.accountId, [key]);
    // A lost lease between the intent and the write: the successor sees the intent and searches.
    ctx.signal?.throwIfAborted();
    amoId = await steps.create();
  }
  await steps.link(amoId);
  await ctx.intents.clear(ctx.accountId, [key]);
  return amoId;
}
