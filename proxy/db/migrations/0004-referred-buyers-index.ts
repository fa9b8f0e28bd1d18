import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The referral reward sweep (proxy/services/referral-service.ts) runs every minute and looks only at referred
 * buyers: a partial index keeps that read small however many buyers an account has.
 */
export const referredBuyersIndexMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('buyers_referred').on('buyers').columns(['account_id', 'moysklad_id']).where(sql.ref('referrer_moysklad_id'), 'is not', null).execute();
  },
};
