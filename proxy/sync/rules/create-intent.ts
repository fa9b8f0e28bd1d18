import type { RuleContext } from '../rule-context.js';

/**
 * Creates one amoCRM entity exactly once across crashes. The gap to close: amoCRM answered the create, then the
 * process died before our link row was written, so a retry would create a second entity (amoCRM's API cannot delete
 * customers or notes). Before the create we record an intent row; a retry that finds it searches amoCRM for what
 * the earlier attempt may have written (marker, EXTERNAL_ID, our customer field) before creating anything. Without
 * an intent no earlier attempt reached amoCRM, so the search (a paged read per entity) is skipped: that keeps the
 * initial import at one write per entity.
 */
export async function createOnce(
  ctx: RuleContext,
  key: string,
  steps: { search: () => Promise<number | null>; create: () => Promise<number>; link: (amoId: number) => Promise<void> },
): Promise<number> {
  const stream = `intent:${key}`;
  const earlier = await ctx.db.selectFrom('sync_cursors').select('cursor').where('account_id', '=', ctx.accountId).where('stream', '=', stream).executeTakeFirst();
  ctx.signal?.throwIfAborted();
  let amoId = earlier ? await steps.search() : null;
  if (amoId === null) {
    ctx.signal?.throwIfAborted();
    const now = Date.now();
    await ctx.db
      .insertInto('sync_cursors')
      .values({ account_id: ctx.accountId, stream, cursor: String(now), updated_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'stream']).doUpdateSet({ cursor: String(now), updated_at: now }))
      .execute();
    ctx.signal?.throwIfAborted();
    amoId = await steps.create();
  }
  await steps.link(amoId);
  await ctx.db.deleteFrom('sync_cursors').where('account_id', '=', ctx.accountId).where('stream', '=', stream).execute();
  return amoId;
}

/*
 * The same intent rows for page-wise creates (the initial import writes one amoCRM batch per МойСклад page):
 * all intents of a batch are recorded before the batch is sent, and each is cleared once its link row is written.
 * An entity left with an intent (a crash in between) goes through the per-entity rule next time, which searches.
 */
const intentStream = (key: string) => `intent:${key}`;

export async function hasIntent(ctx: RuleContext, key: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('sync_cursors').select('cursor').where('account_id', '=', ctx.accountId).where('stream', '=', intentStream(key)).executeTakeFirst();
  return row !== undefined;
}

export async function recordIntents(ctx: RuleContext, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  ctx.signal?.throwIfAborted();
  const now = Date.now();
  await ctx.db
    .insertInto('sync_cursors')
    .values(keys.map((key) => ({ account_id: ctx.accountId, stream: intentStream(key), cursor: String(now), updated_at: now })))
    .onConflict((oc) => oc.columns(['account_id', 'stream']).doUpdateSet({ cursor: String(now), updated_at: now }))
    .execute();
  // A lost lease between the intent and the write: the successor sees the intents and searches.
  ctx.signal?.throwIfAborted();
}

export async function clearIntent(ctx: RuleContext, key: string): Promise<void> {
  await ctx.db.deleteFrom('sync_cursors').where('account_id', '=', ctx.accountId).where('stream', '=', intentStream(key)).execute();
}
