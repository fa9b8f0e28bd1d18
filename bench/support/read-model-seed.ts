import type { Kysely } from 'kysely';
import type { SecretBox } from '../../proxy/crypto/secret-box.js';
import { AccountsRepository } from '../../proxy/db/repositories/accounts.js';
import type { Database } from '../../proxy/db/schema.js';
import type { BuyerView } from '../../proxy/db/repositories/read-model.js';

/**
 * Writes the proxy's read model directly (as the sync would after an import), so benchmarks of the
 * read side do not depend on the sync being finished. Same tables the widget routes read.
 */
export async function insertAccount(db: Kysely<Database>, secrets: SecretBox, accountId: number, subdomain: string): Promise<void> {
  // Through the proxy's own repository, so the account is one the widget routes accept: connected to МойСклад
  // (a token sealed with the proxy's key) — the card answers 409 `not_connected` for any other.
  const accounts = new AccountsRepository(db, secrets);
  await accounts.ensure(accountId, subdomain);
  await accounts.saveMoySkladConnection(accountId, 'bench@shop', 'bench-moysklad-token');
}

/** A buyer as the card reads it (the proxy's read-model view), minus the referral code the bench leaves empty. */
export type BuyerRow = Omit<BuyerView, 'referralCode'>;

/** Batched so 100,000 rows stay under SQLite's bound-parameter limit and inside one transaction each. */
export async function insertBuyers(db: Kysely<Database>, accountId: number, buyers: readonly BuyerRow[], batchSize = 500): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < buyers.length; start += batchSize) {
    const batch = buyers.slice(start, start + batchSize);
    await db
      .insertInto('buyers')
      .values(
        batch.map((b) => ({
          account_id: accountId,
          moysklad_id: b.moyskladId,
          amo_customer_id: b.amoCustomerId,
          name: b.name,
          phone: b.phone,
          email: null,
          bonus_card: b.bonusCard,
          points: b.points,
          purchase_total_kopecks: b.purchaseTotalKopecks,
          purchase_count: b.purchaseCount,
          referral_code: `r${accountId}x${b.amoCustomerId}`,
          referrer_moysklad_id: null,
          updated_at: now,
        })),
      )
      .execute();
  }
}

export interface PurchaseRow {
  id: string;
  number: string;
  momentMs: number;
  sumKopecks: number;
  pointsEarned: number;
  pointsSpent: number;
  items: Array<{ name: string; quantity: number; priceKopecks: number }>;
}

export async function insertPurchases(db: Kysely<Database>, accountId: number, buyerMoyskladId: string, purchases: readonly PurchaseRow[]): Promise<void> {
  const now = Date.now();
  for (const p of purchases) {
    await db
      .insertInto('purchases')
      .values({
        account_id: accountId,
        id: p.id,
        buyer_moysklad_id: buyerMoyskladId,
        number: p.number,
        moment: new Date(p.momentMs).toISOString().replace('Z', '+00:00'),
        moment_ms: p.momentMs,
        sum_kopecks: p.sumKopecks,
        points_earned: p.pointsEarned,
        points_spent: p.pointsSpent,
        returned: 0,
        updated_at: now,
      })
      .execute();
    if (p.items.length === 0) continue;
    await db
      .insertInto('purchase_items')
      .values(p.items.map((item, position) => ({ account_id: accountId, purchase_id: p.id, position, name: item.name, quantity: item.quantity, price_kopecks: item.priceKopecks })))
      .execute();
  }
}
