import type { Kysely, Migration } from 'kysely';

/**
 * `rate_limit_buckets` (0001) was a generic token bucket that nothing used: amoCRM pacing and blocks shared
 * across processes live in `amo_rate` (0002, AmoRateStore), and МойСклад is paced by its response headers.
 */
export const dropRateLimitBucketsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropTable('rate_limit_buckets').ifExists().execute();
  },
};
