import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';
import type { Database } from '../schema.js';

export interface BlockState {
  since: number;
  /** null = until a human clears it (amoCRM lifts 403 blocks through support). */
  until: number | null;
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
        and (blocked_since is null or (blocked_until is not null and blocked_until <= ${nowMs}))
      returning next_free_at - ${spacingMs} as send_at`.execute(this.db);
    const reserved = rows[0];
    if (reserved) return { sendAt: Number(reserved.send_at) };
    const blocked = await this.getBlocked(accountId, nowMs);
    // The block may have been lifted between the two statements; then simply try again.
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
      .set({ blocked_since: state?.since ?? null, blocked_until: state?.until ?? null, blocked_reason: state?.reason ?? null })
      .where('account_id', '=', accountId)
      .execute();
  }

  async getBlocked(accountId: string, nowMs: number): Promise<BlockState | null> {
    const row = await this.db
      .selectFrom('amo_rate')
      .select(['blocked_since', 'blocked_until', 'blocked_reason'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row || row.blocked_since === null) return null;
    const until = row.blocked_until === null ? null : Number(row.blocked_until);
    if (until !== null && until <= nowMs) return null;
    return { since: Number(row.blocked_since), until, reason: row.blocked_reason ?? '' };
  }

  private async ensureRow(accountId: string): Promise<void> {
    await this.db.insertInto('amo_rate').values({ account_id: accountId, next_free_at: 0 }).onConflict((oc) => oc.column('account_id').doNothing()).execute();
  }

  private greatest() {
    return sql.raw(this.dialect === 'postgres' ? 'greatest' : 'max');
  }
}
