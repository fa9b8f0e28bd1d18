import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AccountSyncRepository } from '../../db/repositories/account-sync.js';
import { ReadModelRepository } from '../../db/repositories/read-model.js';
import type { Database } from '../../db/schema.js';
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

/**
 * The widget services' read model: buyers and purchases through their one repository (proxy/db/repositories/read-model.ts,
 * which the sync writes through too), and the card's account state (bonus program, first import) from `account_sync`.
 */
export class KyselyReadModel implements ReadModelPort {
  private readonly buyers: ReadModelRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {
    this.buyers = new ReadModelRepository(db, now);
  }

  buyerByAmoCustomer(accountId: number, amoCustomerId: number): Promise<BuyerView | null> {
    return this.buyers.buyerByAmoCustomer(accountId, amoCustomerId);
  }

  buyerByReferralCode(code: string): Promise<{ accountId: number; buyer: BuyerView } | null> {
    return this.buyers.buyerByReferralCode(code);
  }

  purchases(accountId: number, buyerMoyskladId: string, cursor: string | null, limit: number): Promise<PurchasePage> {
    return this.buyers.purchasePage(accountId, buyerMoyskladId, cursor, limit);
  }

  setBuyerPoints(accountId: number, moyskladId: string, points: number): Promise<void> {
    return this.buyers.setPoints(accountId, moyskladId, points);
  }

  recordReferral(accountId: number, buyer: { moyskladId: string; name: string; phone: string }, referrerMoyskladId: string): Promise<void> {
    return this.buyers.recordReferral(accountId, buyer, referrerMoyskladId);
  }

  referralsAwaitingReward(rewardKeyPrefix: string, limit: number): Promise<PendingReferral[]> {
    return this.buyers.referralsAwaitingReward(rewardKeyPrefix, limit);
  }

  async cardState(accountId: number): Promise<{ program: BonusProgramView | null; import: ImportProgressView }> {
    const row = await this.db.selectFrom('account_sync').select(['bonus_program_json', 'import_state', 'import_done', 'import_total']).where('account_id', '=', accountId).executeTakeFirst();
    return {
      program: parseProgram(row?.bonus_program_json ?? null),
      import: row ? { state: row.import_state, done: Number(row.import_done), total: Number(row.import_total) } : { state: 'idle', done: 0, total: 0 },
    };
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
