import type { WidgetAuth } from './widget-auth.js';
import { amoAccess } from '../account-readiness.js';
import { BackgroundTasks } from './background-tasks.js';
import { moyskladConnectionState } from './moysklad-connection.js';
import type { AccountSyncRepository } from '../db/repositories/account-sync.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { InteractiveMoySklad } from './interactive-moysklad.js';
import type { SyncJobs } from './sync-jobs.js';
import type { StatusView } from './widget-views.js';

export type ConnectionDeps = {
  accounts: AccountsRepository;
  moysklad: Pick<InteractiveMoySklad, 'obtainToken' | 'checkToken' | 'activeBonusProgram' | 'removeWebhooks'>;
  operationLog: Pick<OperationLogRepository, 'append'>;
  accountSync: Pick<AccountSyncRepository, 'saveBonusProgram'>;
  jobs: Pick<SyncJobs, 'requestConnect'>;
  /** Our public origin: every webhook URL we register in МойСклад starts with it. */
  publicUrl: string;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
};

/** Connecting an amoCRM account to МойСклад with an admin's login and password, and its status. */
export class ConnectionService {
  private readonly background = new BackgroundTasks();

  constructor(private readonly deps: ConnectionDeps) {}

  async status(auth: WidgetAuth): Promise<StatusView> {
    const account = await this.deps.accounts.find(auth.accountId);
    const state = moyskladConnectionState(account);
    const amoInstalled = amoAccess(account) === 'installed';
    return {
      connected: state === 'connected',
      // The login is a МойСклад employee's e-mail: shown to admins (who manage the connection), not to every manager.
      moysklad: auth.isAdmin && account?.moyskladLogin && state !== 'not_connected' ? { state, login: account.moyskladLogin } : { state },
      amocrm: { state: amoInstalled ? 'installed' : 'needs_reinstall' },
      isAdmin: auth.isAdmin,
    };
  }

  /**
   * Exchanges login/password for a МойСклад token, proves it with /context/employee and stores only
   * the (encrypted) token. The password lives in this stack frame only: it is never stored or logged.
   * Note: a new token revokes the user's earlier tokens (moysklad-api.md §1), so reconnecting the same
   * МойСклад user elsewhere breaks the other connection — expected.
   */
  async connect(auth: WidgetAuth, login: string, password: string): Promise<{ connected: true; login: string }> {
    const token = await this.deps.moysklad.obtainToken(login, password);
    const { accountId: moyskladAccountId } = await this.deps.moysklad.checkToken(token);
    await this.deps.accounts.ensure(auth.accountId, auth.subdomain);
    // The МойСклад account id comes with the token check: the sync's connect need not ask for it again.
    await this.deps.accounts.saveMoySkladConnection(auth.accountId, login, token, moyskladAccountId ?? undefined);
    // A (re)connect re-keys both webhook URLs; the connect job below registers the new ones and drops the old.
    await this.deps.accounts.rotateWebhookSecrets(auth.accountId);
    await this.deps.operationLog.append({ accountId: auth.accountId, userId: auth.userId, kind: 'moysklad.connected', details: { login } });
    // The sync's connect runs (again): webhooks registered under the new URLs (the old ones deleted), the first import
    // if it is not done, and the jobs parked while МойСклад refused the old token queued again.
    await this.deps.jobs.requestConnect(auth.accountId);
    // Best effort: the card shows the program from this snapshot without a live call.
    try {
      await this.deps.accountSync.saveBonusProgram(auth.accountId, await this.deps.moysklad.activeBonusProgram(token));
    } catch {
      // The sync refreshes it later; connecting must not fail because of it.
    }
    return { connected: true, login };
  }

  /**
   * Forgets the token. Our МойСклад webhooks are removed in the background with the token read just before
   * (kept in memory only), so МойСклад stops calling us for an account we no longer serve.
   */
  async disconnect(auth: WidgetAuth): Promise<void> {
    const token = await this.deps.accounts.moyskladToken(auth.accountId).catch(() => null);
    await this.deps.accounts.clearMoySkladConnection(auth.accountId);
    await this.deps.operationLog.append({ accountId: auth.accountId, userId: auth.userId, kind: 'moysklad.disconnected', details: {} });
    if (token) this.background.track(this.removeWebhooks(auth.accountId, token));
  }

  /** Lets tests and graceful shutdown wait for background webhook removals. */
  async settle(): Promise<void> {
    await this.background.settle();
  }

  private async removeWebhooks(accountId: number, token: string): Promise<void> {
    try {
      const removed = await this.deps.moysklad.removeWebhooks(token, `${new URL(this.deps.publicUrl).origin}/`);
      this.deps.log?.info({ accountId, removed }, 'МойСклад webhooks removed after disconnect');
    } catch (error) {
      this.deps.log?.error({ accountId, err: error instanceof Error ? error.message : String(error) }, 'МойСклад webhook removal failed');
    }
  }
}
