import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AmoAuthError } from '../amocrm/errors.js';
import { BackgroundTasks } from './background-tasks.js';
import type { PersonalDataService } from './personal-data-service.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { SeenEventsRepository } from '../db/repositories/seen-events.js';
import type { AmoAuthorizationCheck } from './amo-authorization.js';
import type { AmoCodeExchange } from './amo-code-exchange.js';
import type { InteractiveMoySklad } from './interactive-moysklad.js';
import type { SyncJobs } from './sync-jobs.js';

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

/** How the install hook went: the route answers each honestly (never "installed" before the exchange succeeded). */
export type InstallOutcome = 'installed' | 'code_reused' | 'code_refused' | 'failed';

/**
 * How a revoke hook went. 'still_authorized': amoCRM still accepts our tokens, so the revoke is a replay (the
 * signature is a static HMAC of client_uuid|account_id, valid forever) or predates the current installation, and
 * is ignored. 'unconfirmed': amoCRM gave no clear answer, so nothing is wiped on the hook's word alone.
 */
export type RevokeOutcome = 'revoked' | 'already_revoked' | 'unknown_account' | 'still_authorized' | 'unconfirmed';

/** amoCRM's authorization code lives 20 minutes (https://www.amocrm.ru/developers/content/oauth/step-by-step). */
const INSTALL_CODE_LIFETIME_MS = 20 * 60_000;
const INSTALL_CODE_SOURCE = 'amocrm_install_code';

/**
 * amoCRM's install and revoke hooks (https://www.amocrm.ru/developers/content/oauth/step-by-step, "хук об отключении").
 */
export class InstallationService {
  private readonly background = new BackgroundTasks();

  constructor(
    private readonly deps: {
      accounts: AccountsRepository;
      amoOAuth: Pick<AmoCodeExchange, 'exchangeCode'>;
      amoAuthorization: AmoAuthorizationCheck;
      /** Install codes already presented, seen by every process (while a code lives). */
      seenEvents: Pick<SeenEventsRepository, 'markSeen'>;
      personalData: PersonalDataService;
      moysklad: Pick<InteractiveMoySklad, 'removeWebhooks'>;
      /** A (re)install changes the webhook URLs: the sync's connect must register them again. */
      jobs: Pick<SyncJobs, 'requestConnect'>;
      /** Our public origin: every webhook URL we register in МойСклад starts with it. */
      publicUrl: string;
      operationLog: Pick<OperationLogRepository, 'append'>;
      clientId: string;
      clientSecret: string;
      log: Log;
    },
  ) {}

  /**
   * Exchanges the install code. The exchange is tracked detached (amoCRM waits only 3 s for the hook and never
   * retries, and a shutdown must not cut it off), and the caller may wait for its outcome as long as it can. A code
   * already presented is not exchanged again: each exchange sends our client_secret to amoCRM, and a code is valid once.
   * The code is not queued as a job: it is a credential (valid 20 min) and would otherwise sit in the jobs table.
   */
  startInstallation(install: { subdomain: string; accountBaseUrl: string; code: string }): Promise<InstallOutcome> {
    const outcome = this.install(install);
    this.background.track(outcome.then(() => undefined));
    return outcome;
  }

  /** Lets tests and graceful shutdown wait for detached code exchanges and webhook removals. */
  async settle(): Promise<void> {
    await this.background.settle();
  }

  private async install({ subdomain, accountBaseUrl, code }: { subdomain: string; accountBaseUrl: string; code: string }): Promise<InstallOutcome> {
    try {
      if (!(await this.firstUse(code))) {
        this.deps.log.warn({ accountBaseUrl }, 'install hook with a code already presented: not exchanged again');
        return 'code_reused';
      }
      const tokens = await this.deps.amoOAuth.exchangeCode(accountBaseUrl, code);
      await this.deps.accounts.ensure(tokens.accountId, subdomain);
      await this.deps.accounts.saveAmoTokens(tokens.accountId, subdomain, tokens);
      // A new installation re-keys both webhook URLs: anyone who read the old ones (a webhook list, a log) is out.
      await this.deps.accounts.rotateWebhookSecrets(tokens.accountId);
      // …so connect runs again (now if МойСклад is connected, else once it is) and registers the new URLs in both systems.
      await this.deps.jobs.requestConnect(tokens.accountId);
      await this.deps.operationLog.append({ accountId: tokens.accountId, userId: null, kind: 'amocrm.installed', details: { accountBaseUrl } });
      this.deps.log.info({ accountId: tokens.accountId, accountBaseUrl }, 'amoCRM installation completed');
      return 'installed';
    } catch (error) {
      // amoCRM refusing a code is the caller's doing (a bogus or stale code), not our failure.
      if (error instanceof AmoAuthError) {
        this.deps.log.warn({ accountBaseUrl, status: error.status }, 'amoCRM refused the install code');
        return 'code_refused';
      }
      this.deps.log.error({ accountBaseUrl, err: error instanceof Error ? error.message : String(error) }, 'amoCRM code exchange failed');
      return 'failed';
    }
  }

  /**
   * True the first time this code is presented. Only a hash is stored: the code is a credential until it is
   * exchanged or expires.
   */
  private firstUse(code: string): Promise<boolean> {
    // Account 0: which account the code belongs to is known only after the exchange.
    return this.deps.seenEvents.markSeen(INSTALL_CODE_SOURCE, 0, createHash('sha256').update(code).digest('hex'), INSTALL_CODE_LIFETIME_MS);
  }

  /** `signature` = hex HMAC-SHA256(`client_uuid|account_id`, client_secret), compared in constant time. */
  verifyRevokeSignature(clientUuid: string, accountId: string, signature: string): boolean {
    if (clientUuid !== this.deps.clientId) return false;
    const expected = createHmac('sha256', this.deps.clientSecret).update(`${clientUuid}|${accountId}`).digest();
    if (!/^[0-9a-f]+$/i.test(signature) || signature.length !== expected.length * 2) return false;
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  }

  /**
   * After a verified revoke hook. The signature proves amoCRM made the URL once, not that it is calling now, so amoCRM
   * is asked first: only when our stored tokens are refused (401, and the refresh too) is the account wiped — a
   * replayed URL after a reinstall, or a late one from an earlier installation, finds the tokens working and changes
   * nothing. Then every credential goes, the personal data follows (now or after the grace period), and our
   * МойСклад webhooks are removed in the background with the token read just before the wipe (held in memory only,
   * never queued: a job row would keep it in plaintext).
   */
  async revoke(accountId: number): Promise<RevokeOutcome> {
    const account = await this.deps.accounts.find(accountId);
    if (!account) return 'unknown_account';
    if (account.status === 'revoked') return 'already_revoked';
    const authorization = await this.deps.amoAuthorization.check(accountId);
    if (authorization === 'authorized') {
      this.deps.log.warn({ accountId }, 'revoke hook ignored: amoCRM still accepts our tokens (a replayed or stale revoke)');
      await this.deps.operationLog.append({ accountId, userId: null, kind: 'amocrm.revoke_ignored', details: { reason: 'tokens_still_valid' } });
      return 'still_authorized';
    }
    if (authorization === 'unreachable') {
      this.deps.log.warn({ accountId }, 'revoke hook not confirmed: amoCRM did not answer clearly; nothing wiped');
      return 'unconfirmed';
    }
    const moyskladToken = await this.deps.accounts.moyskladToken(accountId).catch(() => null);
    if (!(await this.deps.accounts.wipeCredentials(accountId))) return 'unknown_account';
    await this.deps.operationLog.append({ accountId, userId: null, kind: 'amocrm.revoked', details: {} });
    this.deps.log.info({ accountId }, 'amoCRM integration revoked; credentials wiped');
    if (moyskladToken) this.background.track(this.removeWebhooks(accountId, moyskladToken));
    await this.deps.personalData.afterRevoke(accountId);
    return 'revoked';
  }

  private async removeWebhooks(accountId: number, token: string): Promise<void> {
    try {
      const removed = await this.deps.moysklad.removeWebhooks(token, `${new URL(this.deps.publicUrl).origin}/`);
      this.deps.log.info({ accountId, removed }, 'МойСклад webhooks removed after revoke');
    } catch (error) {
      this.deps.log.error({ accountId, err: error instanceof Error ? error.message : String(error) }, 'МойСклад webhook removal failed');
    }
  }
}
