import { type Kysely, type Selectable, sql } from 'kysely';
import { z } from 'zod';
import { decodePageCursor, encodePageCursor } from '../../db/page-cursor.js';
import { AccountSyncRepository } from '../../db/repositories/account-sync.js';
import type { BuyersTable, Database } from '../../db/schema.js';
import { referralCodeFor, remainingItems } from '../../sync/read-model-writer.js';
import type { BonusProgramView, BuyerView, ImportProgressView, PendingReferral, ReadModelPort } from '../ports.js';
import type { PurchasePage } from '../widget-views.js';


const programSnapshot = z.object({
  program: z
    .object({
      id: z.string(),
      name: z.string(),
      active: z.boolean(),
      earnRateRoublesToPoint: z.number(),
      spendRatePointsToRouble: z.number(),
      maxPaidRatePercents: z.number(),
    })
    .nullable(),
});

function toBuyerView(row: Selectable<BuyersTable>): BuyerView {
  return {
    moyskladId: row.moysklad_id,
    amoCustomerId: Number(row.amo_customer_id),
    name: row.name,
    phone: row.phone,
    bonusCard: row.bonus_card,
    points: Number(row.points),
    purchaseTotalKopecks: Number(row.purchase_total_kopecks),
    purchaseCount: Number(row.purchase_count),
    referralCode: row.referral_code,
  };
}

/** The widget's view of buyers and purchases (written by proxy/sync; read here). */
export class KyselyReadModel implements ReadModelPort {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Buyers are served only while their account is active: from a confirmed uninstall on, the card API and the
   * referral page find nobody, even before the personal data is purged (PERSONAL_DATA_GRACE_HOURS).
   */
  private activeBuyers() {
    return this.db
      .selectFrom('buyers')
      .selectAll('buyers')
      .where(({ exists, selectFrom }) => exists(selectFrom('accounts').select('accounts.id').whereRef('accounts.id', '=', 'buyers.account_id').where('accounts.status', '=', 'active')));
  }

  async buyerByAmoCustomer(accountId: number, amoCustomerId: number): Promise<BuyerView | null> {
    const row = await this.activeBuyers().where('buyers.account_id', '=', accountId).where('buyers.amo_customer_id', '=', amoCustomerId).executeTakeFirst();
    return row ? toBuyerView(row) : null;
  }

  async buyerByReferralCode(code: string): Promise<{ accountId: number; buyer: BuyerView } | null> {
    const row = await this.activeBuyers().where('buyers.referral_code', '=', code).executeTakeFirst();
    return row ? { accountId: Number(row.account_id), buyer: toBuyerView(row) } : null;
  }

  async purchases(accountId: number, buyerMoyskladId: string, cursor: string | null, limit: number): Promise<PurchasePage> {
    // A cursor that does not decode is treated as "from the start" rather than an error: it can only come
    // from an old client, and the first page is a safe answer.
    const after = cursor ? decodePageCursor(cursor) : null;
    let query = this.db
      .selectFrom('purchases')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('buyer_moysklad_id', '=', buyerMoyskladId);
    if (after) {
      const [momentMs, id] = after;
      query = query.where((eb) => eb.or([eb('moment_ms', '<', momentMs), eb.and([eb('moment_ms', '=', momentMs), eb('id', '<', id)])]));
    }
    const rows = await query.orderBy('moment_ms', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const ids = page.map((row) => row.id);
    const items = ids.length
      ? await this.db
          .selectFrom('purchase_items')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('purchase_id', 'in', ids)
          .orderBy('purchase_id')
          .orderBy('position')
          .execute()
      : [];
    const last = page.at(-1);
    return {
      items: page.map((row) => {
        const returned = Number(row.returned) === 1;
        const lines = items
          .filter((item) => item.purchase_id === row.id)
          .map((item) => ({ name: item.name, quantity: Number(item.quantity), priceKopecks: Number(item.price_kopecks), returnedQuantity: Number(item.returned_quantity) }));
        // A sale returned in part shows what the buyer kept (net sum, remaining lines); one returned whole shows what
        // was sold, marked returned.
        const kept = returned ? lines : remainingItems(lines);
        return {
          id: row.id,
          number: row.number,
          moment: row.moment,
          sumKopecks: returned ? Number(row.sum_kopecks) : Number(row.sum_kopecks) - Number(row.returned_kopecks),
          items: kept.map(({ name, quantity, priceKopecks }) => ({ name, quantity, priceKopecks })),
          pointsEarned: Number(row.points_earned),
          pointsSpent: Number(row.points_spent),
          returned,
        };
      }),
      nextCursor: rows.length > limit && last ? encodePageCursor(Number(last.moment_ms), last.id) : null,
    };
  }

  async setBuyerPoints(accountId: number, moyskladId: string, points: number): Promise<void> {
    await this.db
      .updateTable('buyers')
      .set({ points, updated_at: this.now() })
      .where('account_id', '=', accountId)
      .where('moysklad_id', '=', moyskladId)
      .execute();
  }

  async cardState(accountId: number): Promise<{ program: BonusProgramView | null; import: ImportProgressView }> {
    const row = await this.db.selectFrom('account_sync').select(['bonus_program_json', 'import_state', 'import_done', 'import_total']).where('account_id', '=', accountId).executeTakeFirst();
    return {
      program: parseProgram(row?.bonus_program_json ?? null),
      import: row ? { state: row.import_state, done: Number(row.import_done), total: Number(row.import_total) } : { state: 'idle', done: 0, total: 0 },
    };
  }

  async recordReferral(accountId: number, buyer: { moyskladId: string; name: string; phone: string }, referrerMoyskladId: string): Promise<void> {
    const now = this.now();
    await this.db
      .insertInto('buyers')
      .values({
        account_id: accountId,
        moysklad_id: buyer.moyskladId,
        amo_customer_id: null,
        name: buyer.name,
        phone: buyer.phone,
        email: null,
        bonus_card: null,
        points: 0,
        purchase_total_kopecks: 0,
        purchase_count: 0,
        referral_code: referralCodeFor(accountId, buyer.moyskladId),
        referrer_moysklad_id: referrerMoyskladId,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['account_id', 'moysklad_id']).doUpdateSet({ referrer_moysklad_id: referrerMoyskladId, updated_at: now }))
      .execute();
  }

  async referralsAwaitingReward(rewardKeyPrefix: string, limit: number): Promise<PendingReferral[]> {
    const rows = await this.db
      .selectFrom('buyers as b')
      .leftJoin('buyers as r', (join) => join.onRef('r.account_id', '=', 'b.account_id').onRef('r.moysklad_id', '=', 'b.referrer_moysklad_id'))
      .select(['b.account_id', 'b.moysklad_id', 'b.name', 'b.amo_customer_id', 'b.referrer_moysklad_id', 'r.name as referrer_name', 'r.amo_customer_id as referrer_amo_customer_id'])
      .where('b.referrer_moysklad_id', 'is not', null)
      .where('b.purchase_count', '>', 0)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('idempotency_keys as k')
              .select('k.key')
              .whereRef('k.account_id', '=', 'b.account_id')
              .where('k.key', '=', sql<string>`cast(${rewardKeyPrefix} as text) || b.moysklad_id`),
          ),
        ),
      )
      .orderBy('b.updated_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      accountId: Number(row.account_id),
      buyerMoyskladId: row.moysklad_id,
      buyerName: row.name,
      buyerAmoCustomerId: row.amo_customer_id === null ? null : Number(row.amo_customer_id),
      referrerMoyskladId: String(row.referrer_moysklad_id),
      referrerName: row.referrer_name ?? '',
      referrerAmoCustomerId: row.referrer_amo_customer_id === null || row.referrer_amo_customer_id === undefined ? null : Number(row.referrer_amo_customer_id),
    }));
  }

  async saveBonusProgram(accountId: number, program: BonusProgramView | null): Promise<void> {
    await new AccountSyncRepository(this.db, this.now).saveBonusProgram(accountId, JSON.stringify({ program }));
  }
}

function parseProgram(json: string | null): BonusProgramView | null {
  if (!json) return null;
  try {
    const parsed = programSnapshot.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data.program : null;
  } catch {
    return null;
  }
}
