import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * Remembers the `jti` of every disposable token a state-changing call used, until that token expires, so that a
 * captured X-Auth-Token cannot change anything twice while it is still valid (reads may repeat a token: see
 * verify-disposable-token.ts for why).
 *
 * amoCRM calls these tokens "disposable", but its docs do not say that amoCRM itself enforces
 * single use (unconfirmed, amocrm-widget.md §5), so we enforce it here. The store is shared by every proxy
 * process: `DatabaseReplayStore` below, the `seen_events` table.
 */
export interface ReplayStore {
  /** Records the token id; resolves `true` when it was not seen before, `false` when it is a replay. */
  remember(accountId: number, jti: string, expiresAt: Date): Promise<boolean>;
}

const SOURCE = 'amo_disposable_token';

/**
 * Replay store shared by every proxy process: the `seen_events` primary key (source, account, id)
 * decides, so two processes receiving the same token at once accept it only once.
 */
export class DatabaseReplayStore implements ReplayStore {
  private lastPurge = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async remember(accountId: number, jti: string, expiresAt: Date): Promise<boolean> {
    const now = this.now();
    await this.purgeExpired(now);
    const inserted = await this.db
      .insertInto('seen_events')
      .values({ source: SOURCE, account_id: accountId, event_id: jti, expires_at: expiresAt.getTime() })
      .onConflict((oc) => oc.columns(['source', 'account_id', 'event_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
    // Seen before. Only an entry whose token has since expired may be reused (and then jose refuses it anyway).
    const taken = await this.db
      .updateTable('seen_events')
      .set({ expires_at: expiresAt.getTime() })
      .where('source', '=', SOURCE)
      .where('account_id', '=', accountId)
      .where('event_id', '=', jti)
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) > 0;
  }

  private async purgeExpired(now: number): Promise<void> {
    if (now - this.lastPurge < 60_000) return;
    this.lastPurge = now;
    await this.db.deleteFrom('seen_events').where('source', '=', SOURCE).where('expires_at', '<=', now).execute();
  }
}
