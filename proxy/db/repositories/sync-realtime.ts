import type { Kysely } from 'kysely';
import type { Database, PollReason } from '../schema.js';

export type { PollReason };

/** How changes of one МойСклад entity type reach the sync of an account (one row of `sync_realtime`). */
export interface RealtimeType {
  entityType: string;
  /** Our webhooks of this type we want (one per action) and how many exist after the last check. */
  expected: number;
  present: number;
  /** How many of them the last check had to create again or re-enable. */
  restored: number;
  /** Null: webhooks deliver the type. Otherwise it is polled, for this reason. */
  pollReason: PollReason | null;
  /** How often it is polled (ms; null while webhooks deliver it). */
  pollIntervalMs: number | null;
  /** When the type is polled next (epoch ms; null while webhooks deliver it). */
  nextPollAt: number | null;
  checkedAt: number;
}

export type RealtimeCheck = Omit<RealtimeType, 'nextPollAt' | 'checkedAt'>;

/** A polled type whose turn has come. */
export interface DuePoll {
  accountId: number;
  entityType: string;
  dueAt: number;
  intervalMs: number | null;
}

/**
 * The result of each webhook check per entity type, and the polling schedule of the types webhooks cannot deliver.
 * At most one row per synced type and account, so the status page reads a handful of rows whatever the data size.
 */
export class SyncRealtimeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(accountId: number): Promise<RealtimeType[]> {
    const rows = await this.db.selectFrom('sync_realtime').selectAll().where('account_id', '=', accountId).orderBy('entity_type').execute();
    return rows.map((row) => ({
      entityType: row.entity_type,
      expected: Number(row.webhooks_expected),
      present: Number(row.webhooks_present),
      restored: Number(row.webhooks_restored),
      pollReason: row.poll_reason,
      pollIntervalMs: row.poll_interval_ms === null ? null : Number(row.poll_interval_ms),
      nextPollAt: row.next_poll_at === null ? null : Number(row.next_poll_at),
      checkedAt: Number(row.checked_at),
    }));
  }

  /**
   * Records a check. A type that becomes polled is due at once; one that stays polled keeps its turn; one that webhooks
   * deliver again is no longer polled. Types not in `checks` are forgotten.
   */
  async record(accountId: number, checks: readonly RealtimeCheck[], at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = new Map((await trx.selectFrom('sync_realtime').select(['entity_type', 'next_poll_at']).where('account_id', '=', accountId).execute()).map((row) => [row.entity_type, row.next_poll_at]));
      await trx.deleteFrom('sync_realtime').where('account_id', '=', accountId).execute();
      if (checks.length === 0) return;
      await trx
        .insertInto('sync_realtime')
        .values(
          checks.map((check) => {
            const kept = before.get(check.entityType);
            return {
              account_id: accountId,
              entity_type: check.entityType,
              webhooks_expected: check.expected,
              webhooks_present: check.present,
              webhooks_restored: check.restored,
              poll_reason: check.pollReason,
              poll_interval_ms: check.pollReason === null ? null : check.pollIntervalMs,
              next_poll_at: check.pollReason === null ? null : kept == null ? at : Number(kept),
              checked_at: at,
            };
          }),
        )
        .execute();
    });
  }

  /** Polled types due by `now`, oldest turn first (every account). */
  async due(now: number, limit = 100): Promise<DuePoll[]> {
    const rows = await this.db
      .selectFrom('sync_realtime')
      .select(['account_id', 'entity_type', 'next_poll_at', 'poll_interval_ms'])
      .where('poll_reason', 'is not', null)
      .where('next_poll_at', '<=', now)
      .orderBy('next_poll_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ accountId: Number(row.account_id), entityType: row.entity_type, dueAt: Number(row.next_poll_at), intervalMs: row.poll_interval_ms === null ? null : Number(row.poll_interval_ms) }));
  }

  /**
   * Takes a due turn: moves it to `nextAt` only if nobody moved it since it was read. True for the one process that
   * polls this turn (several processes share the schedule, and each poll costs a МойСклад request).
   */
  async claim(turn: DuePoll, nextAt: number): Promise<boolean> {
    const result = await this.db
      .updateTable('sync_realtime')
      .set({ next_poll_at: nextAt })
      .where('account_id', '=', turn.accountId)
      .where('entity_type', '=', turn.entityType)
      .where('next_poll_at', '=', turn.dueAt)
      .where('poll_reason', 'is not', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
