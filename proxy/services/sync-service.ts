import type { WidgetAuth } from './widget-auth.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { SyncJobs } from './sync-jobs.js';
import type { SyncStatusView } from './widget-views.js';
import { ServiceError } from './service-error.js';

/** What the widget's sync page shows, and re-running a failed job. */
export class SyncService {
  constructor(private readonly deps: { jobs: Pick<SyncJobs, 'syncStatus' | 'retryFailed' | 'skipFailed'>; operationLog: Pick<OperationLogRepository, 'append'> }) {}

  status(auth: WidgetAuth): Promise<SyncStatusView> {
    return this.deps.jobs.syncStatus(auth.accountId);
  }

  async retry(auth: WidgetAuth, jobId: string): Promise<void> {
    const outcome = await this.deps.jobs.retryFailed(auth.accountId, jobId);
    if (outcome === 'not_found') throw new ServiceError('job_not_found');
    if (outcome === 'not_failed') throw new ServiceError('job_not_failed');
    await this.deps.operationLog.append({ accountId: auth.accountId, userId: auth.userId, kind: 'sync.job_retried', details: { jobId } });
  }

  /** For what no retry can fix (data to correct in МойСклад, a record deleted in amoCRM): the admin sets it aside. */
  async skip(auth: WidgetAuth, jobId: string): Promise<void> {
    const result = await this.deps.jobs.skipFailed(auth.accountId, jobId);
    if (result.outcome !== 'skipped') throw result.outcome === 'not_found' ? new ServiceError('job_not_found') : new ServiceError('job_not_failed');
    await this.deps.operationLog.append({ accountId: auth.accountId, userId: auth.userId, kind: 'sync.job_skipped', details: { jobId, kind: result.kind } });
  }
}
