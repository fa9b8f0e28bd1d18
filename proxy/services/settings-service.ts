import type { WidgetAuth } from './widget-auth.js';
import { repriceJob } from '../sync/jobs.js';
import { withMoySkladToken } from './moysklad-connection.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { InteractiveMoySklad } from './interactive-moysklad.js';
import type { SyncJobs } from './sync-jobs.js';
import type { Settings, WidgetSettings } from './widget-settings.js';
import { ServiceError } from './service-error.js';
import type { SettingsChange, SettingsView } from './widget-views.js';


type Log = { warn(obj: object, msg: string): void };

/** Widget settings of an account (referral bonuses, price type) and the choices МойСклад offers. */
export class SettingsService {
  constructor(private readonly deps: { accounts: AccountsRepository; settings: WidgetSettings; moysklad: Pick<InteractiveMoySklad, 'priceTypes'>; operationLog: Pick<OperationLogRepository, 'append'>; jobs: Pick<SyncJobs, 'enqueue'>; log?: Log }) {}

  async get(auth: WidgetAuth): Promise<SettingsView> {
    const settings = await this.deps.settings.get(auth.accountId);
    return { ...settings, priceTypes: await this.priceTypes(auth.accountId) };
  }

  /** Fields the request leaves out keep their stored values (a client older than them must not reset them). */
  async put(auth: WidgetAuth, changes: SettingsChange): Promise<Settings> {
    await this.deps.accounts.ensure(auth.accountId, auth.subdomain);
    const current = await this.deps.settings.get(auth.accountId);
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    await this.deps.settings.save(auth.accountId, { ...current, ...defined });
    const saved = await this.deps.settings.get(auth.accountId);
    // Who changed the referral rewards and when: support's first question when points look wrong.
    await this.deps.operationLog.append({ accountId: auth.accountId, userId: auth.userId, kind: 'settings.updated', details: { ...saved } });
    // Another price type: every catalog element gets its price (a bulk job, progress on the sync status).
    if (saved.priceTypeId !== current.priceTypeId) await this.deps.jobs.enqueue(repriceJob(auth.accountId, saved.priceTypeId));
    return saved;
  }

  /** The settings page must open even when МойСклад is down or not connected: then the list is empty. */
  private async priceTypes(accountId: number): Promise<{ id: string; name: string }[]> {
    try {
      return await withMoySkladToken(this.deps.accounts, accountId, (token) => this.deps.moysklad.priceTypes(token));
    } catch (error) {
      if (error instanceof ServiceError) return []; // not connected, or МойСклад refused the token (now marked)
      this.deps.log?.warn({ accountId, err: (error as Error).message }, 'price types unavailable');
      return [];
    }
  }
}
