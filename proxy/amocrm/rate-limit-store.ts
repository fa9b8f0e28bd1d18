/**
 * Shared pacing and circuit-breaker state per amoCRM account. The in-memory implementation serves one process;
 * back it by the database so that several proxy processes share one budget (amoCRM counts per integration/account,
 * not per process).
 *
 * SQL implementation (for proxy/db), one row per account:
 *   amo_rate(account_id PK, next_free_at BIGINT NOT NULL DEFAULT 0, blocked_since BIGINT NULL,
 *            blocked_until BIGINT NULL, blocked_reason TEXT NULL)        -- blocked_until holds BlockState.probeAt
 *   reserveSlot: INSERT … ON CONFLICT DO NOTHING; then in ONE statement
 *     UPDATE amo_rate SET next_free_at = MAX(next_free_at, :now) + :spacing      -- GREATEST() on PostgreSQL
 *     WHERE account_id = :id AND blocked_since IS NULL
 *     RETURNING next_free_at - :spacing AS send_at
 *   and when no row is returned, SELECT the block columns and return { blocked }.
 *   claimProbe: UPDATE amo_rate SET blocked_until = :next
 *     WHERE account_id = :id AND blocked_since IS NOT NULL AND blocked_until <= :now   -- one winner
 *   pushBack: UPDATE amo_rate SET next_free_at = MAX(next_free_at, :until) WHERE account_id = :id
 *   setBlocked / getBlocked: plain UPDATE / SELECT of the three block columns.
 */
export interface BlockState {
  since: number;
  /**
   * From this time on ONE request may go out to see whether amoCRM answers again (the limiter claims it with
   * `claimProbe`; an answer clears the block). null = only a human clears it (`npm run sync -- --unblock-amocrm`).
   */
  probeAt: number | null;
  reason: string;
}

export type SlotReservation = { sendAt: number } | { blocked: BlockState };

export interface RateLimitStore {
  /** Atomically takes the next send time for the account: sendAt = max(now, nextFree); nextFree = sendAt + spacing. */
  reserveSlot(accountId: string, spacingMs: number, nowMs: number): Promise<SlotReservation>;
  /** Nobody sends for this account before `untilMs` (after a 429). */
  pushBack(accountId: string, untilMs: number): Promise<void>;
  setBlocked(accountId: string, state: BlockState | null): Promise<void>;
  getBlocked(accountId: string, nowMs: number): Promise<BlockState | null>;
  /**
   * Atomically takes the account's probe: true for exactly one caller (across processes) once `probeAt` has come,
   * and the next probe moves to `nextProbeAt`. False when not blocked, not due, or someone else took it.
   */
  claimProbe(accountId: string, nowMs: number, nextProbeAt: number): Promise<boolean>;
}

export class InMemoryRateLimitStore implements RateLimitStore {
  private readonly nextFree = new Map<string, number>();
  private readonly blocks = new Map<string, BlockState>();

  async reserveSlot(accountId: string, spacingMs: number, nowMs: number): Promise<SlotReservation> {
    const block = this.blocks.get(accountId);
    if (block) return { blocked: block };
    const sendAt = Math.max(nowMs, this.nextFree.get(accountId) ?? 0);
    this.nextFree.set(accountId, sendAt + spacingMs);
    return { sendAt };
  }

  async pushBack(accountId: string, untilMs: number): Promise<void> {
    this.nextFree.set(accountId, Math.max(this.nextFree.get(accountId) ?? 0, untilMs));
  }

  async setBlocked(accountId: string, state: BlockState | null): Promise<void> {
    if (state) this.blocks.set(accountId, state);
    else this.blocks.delete(accountId);
  }

  async getBlocked(accountId: string, _nowMs: number): Promise<BlockState | null> {
    return this.blocks.get(accountId) ?? null;
  }

  async claimProbe(accountId: string, nowMs: number, nextProbeAt: number): Promise<boolean> {
    const block = this.blocks.get(accountId);
    if (!block || block.probeAt === null || block.probeAt > nowMs) return false;
    this.blocks.set(accountId, { ...block, probeAt: nextProbeAt });
    return true;
  }
}
