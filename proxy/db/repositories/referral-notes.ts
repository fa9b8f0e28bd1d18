import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** An amoCRM note about a referral, held until the referred buyer's amoCRM customer exists. */
export type HeldNote = { accountId: number; moyskladId: string; kind: 'signup' | 'reward'; text: string; amoCustomerId: number };

/** `referral_notes` (migration 0006): notes held until the referred buyer's amoCRM customer exists. */
export class ReferralNotesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async hold(accountId: number, moyskladId: string, kind: 'signup' | 'reward', text: string): Promise<void> {
    await this.db
      .insertInto('referral_notes')
      .values({ account_id: accountId, moysklad_id: moyskladId, kind, text, created_at: this.now() })
      .onConflict((oc) => oc.columns(['account_id', 'moysklad_id', 'kind']).doNothing())
      .execute();
  }

  async ready(limit: number): Promise<HeldNote[]> {
    const rows = await this.db
      .selectFrom('referral_notes as n')
      .innerJoin('buyers as b', (join) => join.onRef('b.account_id', '=', 'n.account_id').onRef('b.moysklad_id', '=', 'n.moysklad_id'))
      .innerJoin('accounts as a', 'a.id', 'n.account_id')
      .select(['n.account_id', 'n.moysklad_id', 'n.kind', 'n.text', 'b.amo_customer_id'])
      .where('b.amo_customer_id', 'is not', null)
      .where('a.status', '=', 'active')
      .orderBy('n.created_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ accountId: Number(row.account_id), moyskladId: row.moysklad_id, kind: row.kind === 'reward' ? 'reward' : 'signup', text: row.text, amoCustomerId: Number(row.amo_customer_id) }));
  }

  async done(accountId: number, moyskladId: string, kind: 'signup' | 'reward'): Promise<void> {
    await this.db.deleteFrom('referral_notes').where('account_id', '=', accountId).where('moysklad_id', '=', moyskladId).where('kind', '=', kind).execute();
  }
}
