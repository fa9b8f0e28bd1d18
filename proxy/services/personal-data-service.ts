import type { PersonalDataRepository } from '../db/repositories/personal-data.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';

type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void };

/**
 * What happens to an uninstalled account's personal data: from the confirmed revoke on, nothing of it is served
 * (the read model answers only for active accounts); after `graceMs` (config PERSONAL_DATA_GRACE_HOURS, 0 = at
 * once) it is deleted. A reinstall within the grace period keeps it. The periodic sweep (widget API module, every
 * minute, any number of processes) purges whatever is due; the purge itself is one transaction and idempotent.
 */
export class PersonalDataService {
  constructor(
    private readonly deps: {
      store: Pick<PersonalDataRepository, 'dueForPurge' | 'purge'>;
      operationLog: Pick<OperationLogRepository, 'append'>;
      graceMs: number;
      log: Log;
      now?: () => number;
    },
  ) {}

  /** Called right after a confirmed revoke: without a grace period the data goes now. */
  async afterRevoke(accountId: number): Promise<void> {
    if (this.deps.graceMs === 0) await this.purge(accountId);
  }

  /** Purges every account whose grace period is over; returns how many were purged. */
  async purgeDue(): Promise<number> {
    const now = (this.deps.now ?? Date.now)();
    let purged = 0;
    for (const accountId of await this.deps.store.dueForPurge(now - this.deps.graceMs)) {
      if (await this.purge(accountId)) purged += 1;
    }
    return purged;
  }

  private async purge(accountId: number): Promise<boolean> {
    const result = await this.deps.store.purge(accountId);
    if (!result.purged) return false;
    await this.deps.operationLog.append({ accountId, userId: null, kind: 'personal_data.purged', details: { buyers: result.buyers, purchases: result.purchases } });
    this.deps.log.info({ accountId, buyers: result.buyers, purchases: result.purchases }, 'personal data of an uninstalled account purged');
    return true;
  }
}
