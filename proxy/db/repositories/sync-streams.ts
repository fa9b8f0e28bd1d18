import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Where a МойСклад stream stands: every row up to (`updated`, `id`) in `updated,id` order has been applied. */
export interface StreamPosition {
  /** МойСклад `updated` of the last applied row (Moscow time, exactly as МойСклад wrote it). */
  updated: string | null;
  id: string | null;
  /** Our clock when a read last reached the end of the stream at this position; null when it has not since. */
  reachedEndAt: number | null;
  /** `id@updated` of rows applied within the overlap window before the position (see proxy/sync/streams.ts). */
  recent: string[];
  /** Import streams: read to the end. */
  completed: boolean;
}

export const EMPTY_POSITION: StreamPosition = { updated: null, id: null, reachedEndAt: null, recent: [], completed: false };

/**
 * Keyset positions of the sync's МойСклад streams, one row per (account, stream). Saved only after the rows before
 * the position were applied, so a crash replays work and never skips it.
 */
export class SyncStreamsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(accountId: number, stream: string): Promise<StreamPosition> {
    const row = await this.db.selectFrom('sync_streams').selectAll().where('account_id', '=', accountId).where('stream', '=', stream).executeTakeFirst();
    if (!row) return EMPTY_POSITION;
    return {
      updated: row.position_updated,
      id: row.position_id,
      reachedEndAt: row.reached_end_at === null ? null : Number(row.reached_end_at),
      recent: row.recent_json ? (JSON.parse(row.recent_json) as string[]) : [],
      completed: row.completed === 1,
    };
  }

  async save(accountId: number, stream: string, position: StreamPosition): Promise<void> {
    const now = this.now();
    const values = {
      position_updated: position.updated,
      position_id: position.id,
      reached_end_at: position.reachedEndAt,
      recent_json: position.recent.length > 0 ? JSON.stringify(position.recent) : null,
      completed: position.completed ? (1 as const) : (0 as const),
      updated_at: now,
    };
    await this.db
      .insertInto('sync_streams')
      .values({ account_id: accountId, stream, ...values })
      .onConflict((oc) => oc.columns(['account_id', 'stream']).doUpdateSet(values))
      .execute();
  }

  /** Forgets positions whose stream name starts with one of `prefixes` (the CLI's `--full`). */
  async reset(accountId: number, prefixes: readonly string[]): Promise<void> {
    if (prefixes.length === 0) return;
    await this.db
      .deleteFrom('sync_streams')
      .where('account_id', '=', accountId)
      .where((eb) => eb.or(prefixes.map((prefix) => eb('stream', 'like', `${prefix}%`))))
      .execute();
  }
}
