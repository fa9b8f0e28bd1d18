import { createHash } from 'node:crypto';
import { normalizeMobilePhone, normalizePhone, phoneDigits } from '../phone.js';
import { customerNoteJob, entityJob } from '../sync/jobs.js';
import { type DailyCountersRepository, moscowDay } from '../db/repositories/daily-counters.js';
import { DEFAULT_IDEMPOTENCY_TIMING, requestHash, runOnce, type IdempotencyStore, type IdempotencyTiming } from './idempotent-execution.js';
import { moyskladTokenIfAllowed } from '../account-readiness.js';
import { noteAuthFailure } from './moysklad-connection.js';
import type { PhoneConfirmationPort } from './phone-confirmation.js';
import type { BuyerView } from '../db/repositories/read-model.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { InteractiveMoySklad } from './interactive-moysklad.js';
import type { SyncJobs } from './sync-jobs.js';
import type { ReferralNotesRepository } from '../db/repositories/referral-notes.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { ReadModelRepository } from '../db/repositories/read-model.js';
import type { WidgetSettings } from './widget-settings.js';
import { newBuyerSignupNote, referrerRewardNote, referrerSignupNote, type ReferralFacts } from './referral-notes.js';
import { ServiceError } from './service-error.js';

/**
 * `consent`: the person agreed to the processing of their name and phone (recorded in the operation log).
 * `confirmationCode`: the code sent to the phone, when the account asks for one.
 */
export type ReferralSignup = { name: string; phone: string; consent: boolean; confirmationCode?: string | undefined };

/**
 * What the page tells the person. `already_registered`: this number signed up before (through this link), nothing new
 * happened — the page must not say points were added again. `confirmation_sent`: a code went to the phone.
 */
export type ReferralOutcome = { kind: 'registered'; pointsForYou: number } | { kind: 'already_registered' } | { kind: 'confirmation_sent'; phone: string };

/** What the public page shows: the shop, the friend (first name only) and the offer. */
export type ReferralLanding = {
  accountId: number;
  referrer: BuyerView;
  referrerFirstName: string;
  shopName: string;
  privacyPolicyUrl: string | null;
  bonusForNew: number;
  confirmation: boolean;
};

/** A referral slot lasts "forever" in practice: one reward per phone per account. */
const REFERRAL_KEY_TTL_MS = 10 * 365 * 24 * 3600_000;

/**
 * Idempotency keys of the referral flow. They share the table with the widget's Idempotency-Key values, which
 * BonusService prefixes with `widget:`, so a caller cannot occupy a phone's referral slot with a crafted key. The phone
 * is the E.164 number of proxy/phone.ts, so every spelling of one number is one slot.
 */
const signupKey = (phone: string) => `referral:${phoneDigits(phone)}`;
/** One referrer reward per referred buyer, whichever path (sign-up or first purchase) pays it. */
export const REFERRER_REWARD_KEY_PREFIX = 'referral-referrer:';

/** Only the first word of a buyer's name goes on the public page (the full name is nobody's business there). */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/**
 * The public referral page's logic: a person opens a buyer's link and signs up with a phone number.
 * МойСклад has no referral program (moysklad-api.md §4.6), so it lives here: a new individual
 * counterparty plus bonus transactions for both sides, per the account's settings, and a note on both amoCRM customers.
 *
 * Farming is held back by: one reward per mobile number (E.164, libphonenumber), numbers that are not valid mobile
 * numbers refused, a per-referrer daily cap (settings, atomic across processes), an optional code sent to the phone
 * (settings + a configured sender), the page's per-IP limits, and МойСклад itself (a number it knows is no newcomer).
 */
export class ReferralService {
  constructor(
    private readonly deps: {
      accounts: AccountsRepository;
      settings: Pick<WidgetSettings, 'get'>;
      readModel: Pick<ReadModelRepository, 'buyerByReferralCode' | 'referralsAwaitingReward' | 'recordReferral'>;
      moysklad: Pick<InteractiveMoySklad, 'activeBonusProgram' | 'counterpartyIdsByPhone' | 'createBonusTransaction' | 'createIndividual'>;
      idempotency: IdempotencyStore;
      operationLog: Pick<OperationLogRepository, 'append'>;
      dailyCounters: Pick<DailyCountersRepository, 'reserve' | 'release'>;
      notes: Pick<ReferralNotesRepository, 'hold' | 'ready' | 'done'>;
      phoneConfirmation: PhoneConfirmationPort;
      /** To tell the sync about our own МойСклад writes: they carry X-Lognex-WebHook-DisableByPrefix, so no webhook comes. */
      jobs: Pick<SyncJobs, 'enqueue'>;
      timing?: IdempotencyTiming;
      log?: { error(obj: object, msg: string): void };
      now?: () => Date;
    },
  ) {}

  async landing(code: string): Promise<ReferralLanding> {
    const found = await this.deps.readModel.buyerByReferralCode(code);
    if (!found) throw new ServiceError('referral_not_found');
    const settings = await this.deps.settings.get(found.accountId);
    return {
      accountId: found.accountId,
      referrer: found.buyer,
      referrerFirstName: firstName(found.buyer.name),
      shopName: settings.shopName,
      privacyPolicyUrl: settings.privacyPolicyUrl,
      bonusForNew: settings.referralBonusNew,
      confirmation: settings.referralPhoneConfirmation,
    };
  }

  async signUp(code: string, input: ReferralSignup): Promise<ReferralOutcome> {
    const { accountId, referrer, confirmation } = await this.landing(code);
    if (!input.consent) throw new ServiceError('referral_consent_required');
    const phone = normalizeMobilePhone(input.phone);
    if (!phone) throw new ServiceError('referral_phone_invalid');
    if (normalizePhone(referrer.phone) === phone) throw new ServiceError('referral_self');
    // One slot per (account, phone): the unique key decides races; the same number through the same link gets the
    // stored answer (told as a repeat), the same number through another link is refused.
    const scope = { accountId, key: signupKey(phone), hash: requestHash({ code, phone: phoneDigits(phone) }) };
    const previous = await this.deps.idempotency.lookup(accountId, scope.key);
    if (previous && previous.requestHash !== scope.hash) throw new ServiceError('referral_phone_used');
    if (previous?.answer?.kind === 'completed') return { kind: 'already_registered' };

    if (confirmation) {
      if (!this.deps.phoneConfirmation.configured) {
        this.deps.log?.error({ accountId }, 'referral phone confirmation is switched on but no sender is configured: sign-ups refused');
        throw new ServiceError('referral_unavailable');
      }
      if (!input.confirmationCode) {
        await this.deps.phoneConfirmation.send(accountId, phone);
        return { kind: 'confirmation_sent', phone };
      }
      if (!(await this.deps.phoneConfirmation.verify(accountId, phone, input.confirmationCode))) throw new ServiceError('referral_code_invalid');
    }

    // The referrer's daily cap: one sign-up reserved before anything is written, given back unless one really happened.
    const settings = await this.deps.settings.get(accountId);
    const day = moscowDay(this.deps.now?.() ?? new Date());
    const capSubject = `referral:referrer:${referrer.moyskladId}`;
    if (!(await this.deps.dailyCounters.reserve(accountId, capSubject, day, 1, settings.referralMaxPerReferrerPerDay))) {
      throw new ServiceError('referral_daily_limit');
    }
    let registered = false;
    let answer: { pointsForYou: number };
    try {
      answer = await runOnce(
        this.deps.idempotency,
        scope,
        async () => {
          const registration = await this.register(accountId, referrer, input.name, phone);
          registered = true;
          return registration;
        },
        { ...(this.deps.timing ?? DEFAULT_IDEMPOTENCY_TIMING), ttlMs: REFERRAL_KEY_TTL_MS },
      );
    } catch (error) {
      await this.deps.dailyCounters.release(accountId, capSubject, day, 1);
      if (error instanceof ServiceError && error.code === 'idempotency_key_reused') throw new ServiceError('referral_phone_used');
      throw error;
    }
    if (!registered) await this.deps.dailyCounters.release(accountId, capSubject, day, 1);
    return registered ? { kind: 'registered', pointsForYou: answer.pointsForYou } : { kind: 'already_registered' };
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
        const paid = await this.rewardReferrer(pending.accountId, token, { moyskladId: pending.buyerMoyskladId, name: pending.buyerName }, pending.referrerMoyskladId);
        settled += 1;
        if (paid.fresh && paid.points > 0) await this.noteReward(pending, paid.points);
      } catch (error) {
        // МойСклад unreachable or refusing: the key was released (5xx) or the refusal stored (4xx); nothing to undo.
        await noteAuthFailure(this.deps.accounts, pending.accountId, error);
      }
    }
    return settled;
  }

  /**
   * Queues the held notes of referred buyers whose amoCRM customer the sync has made since (their id was unknown at
   * sign-up). Returns how many were queued. Runs in the widget module's minute sweep.
   */
  async deliverHeldNotes(limit = 50): Promise<number> {
    const ready = await this.deps.notes.ready(limit);
    for (const note of ready) {
      await this.deps.jobs.enqueue(customerNoteJob(note.accountId, note.amoCustomerId, note.text, `referral-note:${note.moyskladId}:${note.kind}`));
      await this.deps.notes.done(note.accountId, note.moyskladId, note.kind);
    }
    return ready.length;
  }

  /** Null while the account may not call МойСклад (proxy/account-readiness.ts decides). */
  private async tokenOf(accountId: number): Promise<string | null> {
    const allowed = await moyskladTokenIfAllowed(this.deps.accounts, accountId);
    return allowed.access === 'connected' ? allowed.token : null;
  }

  private async register(accountId: number, referrer: BuyerView, name: string, phone: string) {
    const token = await this.tokenOf(accountId);
    if (!token) throw new ServiceError('referral_unavailable');
    const settings = await this.deps.settings.get(accountId);
    try {
      if ((await this.deps.moysklad.counterpartyIdsByPhone(token, phone)).length > 0) throw new ServiceError('referral_existing_customer');
      const created = await this.deps.moysklad.createIndividual(token, { name, phone, syncId: stableUuid(`${accountId}:referral:${phoneDigits(phone)}`) });
      await this.deps.jobs.enqueue(entityJob({ accountId, entityType: 'counterparty', id: created.id, action: 'CREATE' }));
      // Remembered before any reward, so a `first_purchase` referrer is paid by the sweep once the buyer has bought.
      await this.deps.readModel.recordReferral(accountId, { moyskladId: created.id, name, phone }, referrer.moyskladId);
      const program = await this.deps.moysklad.activeBonusProgram(token);
      const pointsForYou =
        program?.active && settings.referralBonusNew > 0
          ? await this.grant(accountId, token, {
              counterpartyId: created.id,
              bonusProgramId: program.id,
              points: settings.referralBonusNew,
              externalCode: `ref-new-${createHash('sha256').update(`${accountId}:${phoneDigits(phone)}`).digest('hex').slice(0, 36)}`,
              description: 'Реферальная программа: бонус новому покупателю',
            })
          : 0;
      // The referrer's reward must not spoil the newcomer's sign-up: if it fails now, the sweep pays it after the first purchase.
      const referrerPoints =
        settings.referrerRewardAt === 'signup'
          ? await this.rewardReferrer(accountId, token, { moyskladId: created.id, name }, referrer.moyskladId)
              .then((paid) => paid.points)
              .catch(() => 0)
          : 0;
      await this.deps.operationLog.append({
        accountId,
        userId: null,
        kind: 'referral.signup',
        details: { referrerMoyskladId: referrer.moyskladId, newMoyskladId: created.id, pointsNew: pointsForYou, pointsReferrer: referrerPoints, rewardReferrerAt: settings.referrerRewardAt, personalDataConsent: true },
      });
      await this.noteSignup(accountId, referrer, { moyskladId: created.id, name }, {
        referrerName: referrer.name,
        newName: name,
        pointsNew: pointsForYou,
        pointsReferrer: settings.referrerRewardAt === 'signup' ? referrerPoints : program?.active ? settings.referralBonusReferrer : 0,
        referrerRewardAt: settings.referrerRewardAt,
      });
      return { pointsForYou };
    } catch (error) {
      await noteAuthFailure(this.deps.accounts, accountId, error);
      throw error;
    }
  }

  /**
   * Who referred whom and what each got, on both amoCRM customers. The referrer's customer exists (if the sync linked
   * it); the new buyer's is made by the sync after the counterparty job queued above, so its note is held until then.
   */
  private async noteSignup(accountId: number, referrer: BuyerView, created: { moyskladId: string; name: string }, facts: ReferralFacts): Promise<void> {
    if (referrer.amoCustomerId > 0) {
      await this.deps.jobs.enqueue(customerNoteJob(accountId, referrer.amoCustomerId, referrerSignupNote(facts), `referral-note:${created.moyskladId}:referrer-signup`));
    }
    await this.deps.notes.hold(accountId, created.moyskladId, 'signup', newBuyerSignupNote(facts));
  }

  private async noteReward(pending: { accountId: number; buyerMoyskladId: string; buyerName: string; buyerAmoCustomerId: number | null; referrerName: string; referrerAmoCustomerId: number | null }, points: number): Promise<void> {
    const facts = { referrerName: pending.referrerName, newName: pending.buyerName, pointsReferrer: points };
    if (pending.referrerAmoCustomerId) {
      await this.deps.jobs.enqueue(customerNoteJob(pending.accountId, pending.referrerAmoCustomerId, referrerRewardNote(facts, 'referrer'), `referral-note:${pending.buyerMoyskladId}:referrer-reward`));
    }
    const onNew = referrerRewardNote(facts, 'new');
    if (pending.buyerAmoCustomerId) await this.deps.jobs.enqueue(customerNoteJob(pending.accountId, pending.buyerAmoCustomerId, onNew, `referral-note:${pending.buyerMoyskladId}:reward`));
    else await this.deps.notes.hold(pending.accountId, pending.buyerMoyskladId, 'reward', onNew);
  }

  /**
   * The referrer's reward for `referred`, at most once (see REFERRER_REWARD_KEY_PREFIX); returns the points paid and
   * whether this call paid them (false: an earlier call or another process did).
   */
  private async rewardReferrer(accountId: number, token: string, referred: { moyskladId: string; name: string }, referrerMoyskladId: string): Promise<{ points: number; fresh: boolean }> {
    const scope = { accountId, key: `${REFERRER_REWARD_KEY_PREFIX}${referred.moyskladId}`, hash: requestHash({ referrerMoyskladId }) };
    let fresh = false;
    const answer = await runOnce(
      this.deps.idempotency,
      scope,
      async () => {
        const settings = await this.deps.settings.get(accountId);
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
        fresh = true;
        return { points };
      },
      { ...(this.deps.timing ?? DEFAULT_IDEMPOTENCY_TIMING), ttlMs: REFERRAL_KEY_TTL_MS },
    );
    return { points: answer.points, fresh };
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
