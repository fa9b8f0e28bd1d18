import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import { toMoscowString } from '../../moysklad/moscow-time.js';

/** The shop's day (`YYYY-MM-DD`, Moscow time, as МойСклад keeps its own dates) that a daily cap counts within. */
export function moscowDay(at: Date): string {
  return toMoscowString(at, false).slice(0, 10);
}

/**
 * `daily_counters` rows (migration 0006). A reservation is one conditional UPDATE (`amount + n <= cap`), so of two
 * processes racing for the last points of a cap exactly one gets them, on SQLite and PostgreSQL alike.
 */
export class DailyCountersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async reserve(accountId: number, subject: string, day: string, amount: number, cap: number): Promise<boolean> {
    if (amount > cap) return false;
    const now = this.now();
    await this.db
      .insertInto('daily_counters')
      .values({ account_id: accountId, subject, day, amount: 0, updated_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'subject', 'day']).doNothing())
      .execute();
    const result = await this.db
      .updateTable('daily_counters')
      .set({ amount: sql`amount + ${amount}`, updated_at: now })
      .where('account_id', '=', accountId)
      .where('subject', '=', subject)
      .where('day', '=', day)
      .where(sql<boolean>`amount + ${amount} <= ${cap}`)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async release(accountId: number, subject: string, day: string, amount: number): Promise<void> {
    await this.db
      .updateTable('daily_counters')
      .set({ amount: sql`case when amount > ${amount} then amount - ${amount} else 0 end`, updated_at: this.now() })
      .where('account_id', '=', accountId)
      .where('subject', '=', subject)
      .where('day', '=', day)
      .execute();
  }
}
