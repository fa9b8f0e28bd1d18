import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';
import type { Database } from '../schema.js';

export interface TokenGrant {
  granted: boolean;
  /** When not granted: how long until one token will have refilled (ms). */
  waitMs: number;
}

/**
 * Token buckets shared by every process through the database, so N proxy instances together still send at
 * most `ratePerSecond` requests per amoCRM account (amoCRM blocks accounts that keep exceeding 7/s). The
 * refill-and-take is one atomic upsert; a denied caller waits `waitMs` and asks again.
 *
 * Times come from each process's clock: skew between hosts shifts refills slightly, which the conservative
 * default rate absorbs (a negative elapsed time is treated as zero).
 */
export class RateLimitBuckets {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, ratePerSecond: number, burst: number = ratePerSecond): Promise<TokenGrant> {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error('rate must be > 0 and burst >= 1');
    const now = this.now();
    const [least, greatest] = this.dialect === 'postgres' ? [sql.raw('least'), sql.raw('greatest')] : [sql.raw('min'), sql.raw('max')];
    const rate = sql`cast(${ratePerSecond} as double precision)`;
    const refilled = sql`${least}(cast(${burst} as double precision), rate_limit_buckets.tokens + ${greatest}(0, ${now} - rate_limit_buckets.updated_at) * ${rate} / 1000.0)`;
    const { rows } = await sql<{ tokens: number }>`
      insert into rate_limit_buckets (key, tokens, updated_at) values (${key}, ${burst - 1}, ${now})
      on conflict (key) do update set tokens = ${refilled} - 1, updated_at = ${greatest}(rate_limit_buckets.updated_at, ${now})
      where ${refilled} >= 1
      returning tokens`.execute(this.db);
    if (rows.length > 0) return { granted: true, waitMs: 0 };

    const row = await this.db.selectFrom('rate_limit_buckets').select(['tokens', 'updated_at']).where('key', '=', key).executeTakeFirst();
    const available = row ? Math.min(burst, Number(row.tokens) + (Math.max(0, now - Number(row.updated_at)) * ratePerSecond) / 1000) : burst;
    return { granted: false, waitMs: Math.max(1, Math.ceil(((1 - available) * 1000) / ratePerSecond)) };
  }
}
