import { createHash } from 'node:crypto';
import { DEFAULT_IDEMPOTENCY_TIMING, replay, requestHash, runOnce, type IdempotencyTiming } from './idempotent-execution.js';
import { asServiceError } from './moysklad-failure.js';
import { normalizePhoneDigits } from './phone.js';
import type { AccountsPort, BuyerView, IdempotencyPort, MoySkladPort, OperationLogPort, ReadModelPort } from './ports.js';
import { ServiceError } from './service-error.js';

export type ReferralSignup = { name: string; phone: string };
export type ReferralOutcome = { pointsForYou: number };

/** A referral slot lasts "forever" in practice: one reward per phone per account. */
const REFERRAL_KEY_TTL_MS = 10 * 365 * 24 * 3600_000;

/**
 * The public referral page's logic: a person opens a buyer's link and signs up with a phone number.
 * МойСклад has no referral program (moysklad-api.md §4.6), so it lives here: a new individual
 * counterparty plus bonus transactions for both sides, per the account's settings.
 */
export class ReferralService {
  constructor(
    private readonly deps: {
      accounts: AccountsPort;
      readModel: ReadModelPort;
      moysklad: MoySkladPort;
      idempotency: IdempotencyPort;
      operationLog: OperationLogPort;
      timing?: IdempotencyTiming;
    },
  ) {}

  async landing(code: string): Promise<{ accountId: number; referrer: BuyerView; bonusForNew: number }> {
    const found = await this.deps.readModel.buyerByReferralCode(code);
    if (!found) throw new ServiceError(404, 'referral_not_found');
    const settings = await this.deps.accounts.getSettings(found.accountId);
    return { accountId: found.accountId, referrer: found.buyer, bonusForNew: settings.referralBonusNew };
  }

  async signUp(code: string, input: ReferralSignup): Promise<ReferralOutcome> {
    const { accountId, referrer } = await this.landing(code);
    const phone = normalizePhoneDigits(input.phone);
    if (!phone) throw new ServiceError(422, 'referral_phone_invalid');
    if (referrer.phone && normalizePhoneDigits(referrer.phone) === phone) throw new ServiceError(422, 'referral_self');
    // One slot per (account, phone): the unique key decides races; the same form sent twice gets the same
    // answer, the same phone through another link is refused.
    const scope = { accountId, key: `referral:${phone}`, hash: requestHash({ code, phone }) };
    let response;
    try {
      response = await runOnce(this.deps.idempotency, scope, () => this.register(accountId, referrer, input.name, phone), { ...(this.deps.timing ?? DEFAULT_IDEMPOTENCY_TIMING), ttlMs: REFERRAL_KEY_TTL_MS });
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'idempotency_key_reused') throw new ServiceError(409, 'referral_phone_used');
      throw error;
    }
    const result = replay(response);
    if (result instanceof Error) throw result;
    return result as ReferralOutcome;
  }

  private async register(accountId: number, referrer: BuyerView, name: string, phone: string) {
    const account = await this.deps.accounts.find(accountId);
    const token = account?.status === 'active' && !account.needsReauth ? await this.deps.accounts.moyskladToken(accountId) : null;
    if (!token) throw new ServiceError(503, 'referral_unavailable');
    const settings = await this.deps.accounts.getSettings(accountId);
    try {
      if ((await this.deps.moysklad.counterpartyIdsByPhone(token, phone)).length > 0) throw new ServiceError(409, 'referral_existing_customer');
      const created = await this.deps.moysklad.createIndividual(token, { name, phone: `+${phone}`, syncId: stableUuid(`${accountId}:referral:${phone}`) });
      const program = await this.deps.moysklad.activeBonusProgram(token);
      const grant = async (counterpartyId: string, points: number, role: string) => {
        if (!program?.active || points <= 0) return 0;
        await this.deps.moysklad.createBonusTransaction(token, {
          counterpartyId,
          bonusProgramId: program.id,
          type: 'EARNING',
          points,
          externalCode: `ref-${role}-${createHash('sha256').update(`${accountId}:${phone}`).digest('hex').slice(0, 36)}`,
          description: role === 'new' ? 'Реферальная программа: бонус новому покупателю' : `Реферальная программа: бонус за приглашение (${name})`,
        });
        return points;
      };
      const pointsForYou = await grant(created.id, settings.referralBonusNew, 'new');
      // With `first_purchase` the referrer is rewarded by the sync when the new buyer's first sale arrives; the
      // link is kept in the operation log below (unconfirmed hand-off: proxy/sync must read `referral.signup`).
      const referrerPoints = settings.referrerRewardAt === 'signup' ? await grant(referrer.moyskladId, settings.referralBonusReferrer, 'referrer') : 0;
      await this.deps.operationLog.append({
        accountId,
        userId: null,
        kind: 'referral.signup',
        details: { referrerMoyskladId: referrer.moyskladId, newMoyskladId: created.id, pointsNew: pointsForYou, pointsReferrer: referrerPoints, rewardReferrerAt: settings.referrerRewardAt },
      });
      return { status: 200, body: { pointsForYou } satisfies ReferralOutcome };
    } catch (error) {
      throw asServiceError(error);
    }
  }
}

/** A UUID-shaped id derived from `seed`, so a retried create sends the same МойСклад syncId. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
