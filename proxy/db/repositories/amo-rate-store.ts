import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';
import type { Database } from '../schema.js';

export interface BlockState {
  since: number;
  /** When one probe request may go (column blocked_until); null = only a human clears the block. */
  probeAt: number | null;
  reason: string;
}

export type SlotReservation = { sendAt: number } | { blocked: BlockState };

/**
 * amoCRM pacing shared by all proxy processes: one row per account holding the next free send time and any
 * block (after a 403 for exceeding limits). Shaped like `RateLimitStore` in proxy/amocrm/rate-limit-store.ts.
 * Each reservation is ONE atomic UPDATE … RETURNING, so concurrent processes get distinct send times.
 */
export class AmoRateStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async reserveSlot(accountId: string, spacing: number, now: number): Promise<SlotReservation> {
    // Times are whole milliseconds in a bigint column; a fractional spacing (7 rps → 157.14… ms) is rounded up so
    // the pace never gets faster than asked.
    const spacingMs = Math.ceil(spacing);
    const nowMs = Math.floor(now);
    await this.ensureRow(accountId);
    const { rows } = await sql<{ send_at: number }>`
      update amo_rate set next_free_at = ${this.greatest()}(next_free_at, ${nowMs}) + ${spacingMs}
      where account_id = ${accountId}
        and blocked_since is null
      returning next_free_at - ${spacingMs} as send_at`.execute(this.db);
    const reserved = rows[0];
    if (reserved) return { sendAt: Number(reserved.send_at) };
    const blocked = await this.getBlocked(accountId, nowMs);
    // The block may have been cleared between the two statements; then simply try again.
    return blocked ? { blocked } : this.reserveSlot(accountId, spacing, now);
  }

  /** Nobody sends for this account before `untilMs` (after a 429). */
  async pushBack(accountId: string, until: number): Promise<void> {
    const untilMs = Math.ceil(until);
    await this.ensureRow(accountId);
    await sql`update amo_rate set next_free_at = ${this.greatest()}(next_free_at, ${untilMs}) where account_id = ${accountId}`.execute(this.db);
  }

  async setBlocked(accountId: string, state: BlockState | null): Promise<void> {
    await this.ensureRow(accountId);
    await this.db
      .updateTable('amo_rate')
      .set({ blocked_since: state?.since ?? null, blocked_until: state?.probeAt ?? null, blocked_reason: state?.reason ?? null })
      .where('account_id', '=', accountId)
      .execute();
  }

  async getBlocked(accountId: string, _nowMs: number): Promise<BlockState | null> {
    const row = await this.db
      .selectFrom('amo_rate')
      .select(['blocked_since', 'blocked_until', 'blocked_reason'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row || row.blocked_since === null) return null;
    return { since: Number(row.blocked_since), probeAt: row.blocked_until === null ? null : Number(row.blocked_until), reason: row.blocked_reason ?? '' };
  }

  /** One conditional UPDATE: of several processes whose probe is due, exactly one changes the row and wins. */
  async claimProbe(accountId: string, now: number, nextProbeAt: number): Promise<boolean> {
    const result = await this.db
      .updateTable('amo_rate')
      .set({ blocked_until: Math.ceil(nextProbeAt) })
      .where('account_id', '=', accountId)
      .where('blocked_since', 'is not', null)
      .where('blocked_until', 'is not', null)
      .where('blocked_until', '<=', Math.floor(now))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async ensureRow(accountId: string): Promise<void> {
    await this.db.insertInto('amo_rate').values({ account_id: accountId, next_free_at: 0 }).onConflict((oc) => oc.column('account_id').doNothing()).execute();
  }

  private greatest() {
    return sql.raw(this.dialect === 'postgres' ? 'greatest' : 'max');
  }
}
