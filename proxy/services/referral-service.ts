import { createHash } from 'node:crypto';
import { entityJob } from '../sync/jobs.js';
import { DEFAULT_IDEMPOTENCY_TIMING, replay, requestHash, runOnce, type IdempotencyTiming } from './idempotent-execution.js';
import { asServiceError } from './moysklad-failure.js';
import { normalizePhoneDigits } from './phone.js';
import type { AccountsPort, BuyerView, IdempotencyPort, JobsPort, MoySkladPort, OperationLogPort, ReadModelPort } from './ports.js';
import { ServiceError } from './service-error.js';

/** `consent`: the person agreed to the processing of their name and phone (recorded in the operation log). */
export type ReferralSignup = { name: string; phone: string; consent: boolean };
export type ReferralOutcome = { pointsForYou: number };

/** A referral slot lasts "forever" in practice: one reward per phone per account. */
const REFERRAL_KEY_TTL_MS = 10 * 365 * 24 * 3600_000;

/**
 * Idempotency keys of the referral flow. They share the table with the widget's Idempotency-Key values, which
 * BonusService prefixes with `widget:`, so a caller cannot occupy a phone's referral slot with a crafted key.
 */
const signupKey = (phoneDigits: string) => `referral:${phoneDigits}`;
/** One referrer reward per referred buyer, whichever path (sign-up or first purchase) pays it. */
export const REFERRER_REWARD_KEY_PREFIX = 'referral-referrer:';

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
      /** To tell the sync about our own МойСклад writes: they carry X-Lognex-WebHook-DisableByPrefix, so no webhook comes. */
      jobs: Pick<JobsPort, 'enqueue'>;
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
    if (!input.consent) throw new ServiceError(422, 'referral_consent_required');
    const phone = normalizePhoneDigits(input.phone);
    if (!phone) throw new ServiceError(422, 'referral_phone_invalid');
    if (referrer.phone && normalizePhoneDigits(referrer.phone) === phone) throw new ServiceError(422, 'referral_self');
    // One slot per (account, phone): the unique key decides races; the same form sent twice gets the same
    // answer, the same phone through another link is refused.
    const scope = { accountId, key: signupKey(phone), hash: requestHash({ code, phone }) };
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

  /**
   * Pays referrers whose referred buyer has made a first purchase (setting `first_purchase`). The read model
   * written by the sync tells who has bought; each reward runs under its own idempotency key, so several
   * processes sweeping at once pay it once. Returns how many rewards were settled (paid or found needless).
   */
  async rewardReferrersAfterFirstPurchase(limit = 50): Promise<number> {
    let settled = 0;
    for (const pending of await this.deps.readModel.referralsAwaitingReward(REFERRER_REWARD_KEY_PREFIX, limit)) {
      const token = await this.tokenOf(pending.accountId);
      if (!token) continue; // not connected (or needs re-auth): tried again on a later sweep
      try {
        await this.rewardReferrer(pending.accountId, token, { moyskladId: pending.buyerMoyskladId, name: pending.buyerName }, pending.referrerMoyskladId);
        settled += 1;
      } catch {
        // МойСклад unreachable or refusing: the key was released (5xx) or the refusal stored (4xx); nothing to undo.
      }
    }
    return settled;
  }

  private async tokenOf(accountId: number): Promise<string | null> {
    const account = await this.deps.accounts.find(accountId);
    return account?.status === 'active' && !account.needsReauth ? this.deps.accounts.moyskladToken(accountId) : null;
  }

  private async register(accountId: number, referrer: BuyerView, name: string, phone: string) {
    const token = await this.tokenOf(accountId);
    if (!token) throw new ServiceError(503, 'referral_unavailable');
    const settings = await this.deps.accounts.getSettings(accountId);
    try {
      if ((await this.deps.moysklad.counterpartyIdsByPhone(token, phone)).length > 0) throw new ServiceError(409, 'referral_existing_customer');
      const created = await this.deps.moysklad.createIndividual(token, { name, phone: `+${phone}`, syncId: stableUuid(`${accountId}:referral:${phone}`) });
      await this.deps.jobs.enqueue(entityJob({ accountId, entityType: 'counterparty', id: created.id, action: 'CREATE' }));
      // Remembered before any reward, so a `first_purchase` referrer is paid by the sweep once the buyer has bought.
      await this.deps.readModel.recordReferral(accountId, { moyskladId: created.id, name, phone: `+${phone}` }, referrer.moyskladId);
      const program = await this.deps.moysklad.activeBonusProgram(token);
      const pointsForYou =
        program?.active && settings.referralBonusNew > 0
          ? await this.grant(accountId, token, {
              counterpartyId: created.id,
              bonusProgramId: program.id,
              points: settings.referralBonusNew,
              externalCode: `ref-new-${createHash('sha256').update(`${accountId}:${phone}`).digest('hex').slice(0, 36)}`,
              description: 'Реферальная программа: бонус новому покупателю',
            })
          : 0;
      // The referrer's reward must not spoil the newcomer's sign-up: if it fails now, the sweep pays it after the first purchase.
      const referrerPoints =
        settings.referrerRewardAt === 'signup' ? await this.rewardReferrer(accountId, token, { moyskladId: created.id, name }, referrer.moyskladId).catch(() => 0) : 0;
      await this.deps.operationLog.append({
        accountId,
        userId: null,
        kind: 'referral.signup',
        details: { referrerMoyskladId: referrer.moyskladId, newMoyskladId: created.id, pointsNew: pointsForYou, pointsReferrer: referrerPoints, rewardReferrerAt: settings.referrerRewardAt, personalDataConsent: true },
      });
      return { status: 200, body: { pointsForYou } satisfies ReferralOutcome };
    } catch (error) {
      throw asServiceError(error);
    }
  }

  /** The referrer's reward for `referred`, at most once (see REFERRER_REWARD_KEY_PREFIX); returns the points paid. */
  private async rewardReferrer(accountId: number, token: string, referred: { moyskladId: string; name: string }, referrerMoyskladId: string): Promise<number> {
    const scope = { accountId, key: `${REFERRER_REWARD_KEY_PREFIX}${referred.moyskladId}`, hash: requestHash({ referrerMoyskladId }) };
    const response = await runOnce(
      this.deps.idempotency,
      scope,
      async () => {
        try {
          const settings = await this.deps.accounts.getSettings(accountId);
          const program = await this.deps.moysklad.activeBonusProgram(token);
          const points = program?.active ? settings.referralBonusReferrer : 0;
          if (program && points > 0) {
            await this.grant(accountId, token, {
              counterpartyId: referrerMoyskladId,
              bonusProgramId: program.id,
              points,
              externalCode: `ref-referrer-${createHash('sha256').update(`${accountId}:${referred.moyskladId}`).digest('hex').slice(0, 36)}`,
              description: `Реферальная программа: бонус за приглашение (${referred.name})`,
            });
          }
          await this.deps.operationLog.append({ accountId, userId: null, kind: 'referral.referrer_rewarded', details: { referrerMoyskladId, newMoyskladId: referred.moyskladId, points } });
          return { status: 200, body: { points } };
        } catch (error) {
          throw asServiceError(error);
        }
      },
      { ...(this.deps.timing ?? DEFAULT_IDEMPOTENCY_TIMING), ttlMs: REFERRAL_KEY_TTL_MS },
    );
    const result = replay(response);
    if (result instanceof Error) throw result;
    return (result as { points: number }).points;
  }

  /** One EARNING transaction (idempotent on its externalCode); the sync then refreshes the amoCRM points field. */
  private async grant(accountId: number, token: string, input: { counterpartyId: string; bonusProgramId: string; points: number; externalCode: string; description: string }): Promise<number> {
    const transaction = await this.deps.moysklad.createBonusTransaction(token, { ...input, type: 'EARNING' });
    await this.deps.jobs.enqueue(entityJob({ accountId, entityType: 'bonustransaction', id: transaction.id, action: 'CREATE' }));
    return input.points;
  }
}

/** A UUID-shaped id derived from `seed`, so a retried create sends the same МойСклад syncId. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
