import { createHmac, timingSafeEqual } from 'node:crypto';
import { BackgroundTasks } from './background-tasks.js';
import type { AccountsPort, AmoOAuthPort, MoySkladPort, OperationLogPort } from './ports.js';

type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void };

/**
 * amoCRM's install and revoke hooks (amocrm-widget.md §6, amocrm-api.md §1.7).
 */
export class InstallationService {
  private readonly background = new BackgroundTasks();

  constructor(
    private readonly deps: {
      accounts: AccountsPort;
      amoOAuth: AmoOAuthPort;
      moysklad: Pick<MoySkladPort, 'removeWebhooks'>;
      /** Our public origin: every webhook URL we register in МойСклад starts with it. */
      publicUrl: string;
      operationLog: OperationLogPort;
      clientId: string;
      clientSecret: string;
      log: Log;
    },
  ) {}

  /**
   * amoCRM waits 3 s for the install hook and never retries, so the code exchange runs detached and
   * the hook answers at once. The code is not queued as a job: it is a credential (valid 20 min) and
   * would otherwise sit in the jobs table in plaintext. A failure is logged; the admin reinstalls.
   */
  startInstallation(install: { subdomain: string; accountBaseUrl: string; code: string }): void {
    this.background.track(this.exchange(install));
  }

  /** Lets tests and graceful shutdown wait for detached code exchanges and webhook removals. */
  async settle(): Promise<void> {
    await this.background.settle();
  }

  private async exchange({ subdomain, accountBaseUrl, code }: { subdomain: string; accountBaseUrl: string; code: string }): Promise<void> {
    try {
      const tokens = await this.deps.amoOAuth.exchangeCode(accountBaseUrl, code);
      await this.deps.accounts.ensure(tokens.accountId, subdomain);
      await this.deps.accounts.saveAmoTokens(tokens.accountId, subdomain, tokens);
      // A new installation re-keys both webhook URLs: anyone who read the old ones (a webhook list, a log) is out.
      await this.deps.accounts.rotateWebhookSecrets(tokens.accountId);
      await this.deps.operationLog.append({ accountId: tokens.accountId, userId: null, kind: 'amocrm.installed', details: { accountBaseUrl } });
      this.deps.log.info({ accountId: tokens.accountId, accountBaseUrl }, 'amoCRM installation completed');
    } catch (error) {
      this.deps.log.error({ accountBaseUrl, err: error instanceof Error ? error.message : String(error) }, 'amoCRM code exchange failed');
    }
  }

  /** `signature` = hex HMAC-SHA256(`client_uuid|account_id`, client_secret), compared in constant time. */
  verifyRevokeSignature(clientUuid: string, accountId: string, signature: string): boolean {
    if (clientUuid !== this.deps.clientId) return false;
    const expected = createHmac('sha256', this.deps.clientSecret).update(`${clientUuid}|${accountId}`).digest();
    if (!/^[0-9a-f]+$/i.test(signature) || signature.length !== expected.length * 2) return false;
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  }

  /**
   * After a verified revoke hook: forget every credential of the account. Our МойСклад webhooks are removed
   * in the background with the token read just before the wipe (held in memory only, never queued: a job
   * row would keep the token in plaintext). If that removal fails, the hooks still hit an account marked
   * revoked, which the webhook route refuses, and МойСклад disables them after days of errors.
   */
  async revoke(accountId: number): Promise<void> {
    const moyskladToken = await this.deps.accounts.moyskladToken(accountId).catch(() => null);
    const known = await this.deps.accounts.wipeCredentials(accountId);
    if (!known) return;
    await this.deps.operationLog.append({ accountId, userId: null, kind: 'amocrm.revoked', details: {} });
    this.deps.log.info({ accountId }, 'amoCRM integration revoked; credentials wiped');
    if (moyskladToken) this.background.track(this.removeWebhooks(accountId, moyskladToken));
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
