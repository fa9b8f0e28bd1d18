import { defineRoute, type WidgetRoute } from './route-definition.js';
import { jobParams, syncStatusView } from './schemas.js';
import type { WidgetServices } from './services.js';

export function syncRoutes(services: WidgetServices): WidgetRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/widget/sync',
      operationId: 'getSyncStatus',
      summary: 'Sync state: last sync, queue counters, import progress, failed jobs',
      admin: false,
      success: { status: 200, description: 'Sync status', schema: syncStatusView },
      problems: [],
      handle: async ({ auth }) => ({ status: 200, body: await services.sync.status(auth) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/widget/sync/jobs/:jobId/retry',
      operationId: 'retrySyncJob',
      summary: 'Queue a failed job of this account again',
      admin: true,
      params: jobParams,
      success: { status: 202, description: 'Queued again' },
      problems: ['job_not_found', 'job_not_failed'],
      handle: async ({ auth, params }) => {
        await services.sync.retry(auth, params.jobId);
        return { status: 202 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/widget/sync/jobs/:jobId/skip',
      operationId: 'skipSyncJob',
      summary: 'Set a failed job of this account aside as resolved (for what a retry cannot fix)',
      admin: true,
      params: jobParams,
      success: { status: 204, description: 'Set aside' },
      problems: ['job_not_found', 'job_not_failed'],
      handle: async ({ auth, params }) => {
        await services.sync.skip(auth, params.jobId);
        return { status: 204 };
      },
    }),
  ];
}
