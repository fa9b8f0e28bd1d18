import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Webhook dedupe: both vendors may deliver an event more than once. `markSeen` is atomic, so of two
 * concurrent deliveries exactly one gets `true`. Entries expire; an expired entry counts as unseen.
 */
export class SeenEventsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time (source, account, event) is seen within `ttlMs`. */
  async markSeen(source: string, accountId: number, eventId: string, ttlMs: number, executor: Kysely<Database> = this.db): Promise<boolean> {
    const now = this.now();
    const row = await executor
      .insertInto('seen_events')
      .values({ source, account_id: accountId, event_id: eventId, expires_at: now + ttlMs })
      .onConflict((oc) =>
        oc
          .columns(['source', 'account_id', 'event_id'])
          .doUpdateSet({ expires_at: now + ttlMs })
          // Only an expired entry is renewed (and reported as new); a live one makes the insert a no-op.
          .where(sql<boolean>`seen_events.expires_at < ${now}`),
      )
      .returning('event_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async purgeExpired(): Promise<number> {
    const result = await this.db.deleteFrom('seen_events').where('expires_at', '<', this.now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
