import { defineRoute, type WidgetRoute } from './route-definition.js';
import { statusView } from './schemas.js';
import type { WidgetServices } from './services.js';

export function statusRoutes(services: WidgetServices): WidgetRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/widget/status',
      operationId: 'getStatus',
      summary: 'Connection state of МойСклад and amoCRM for the caller’s account',
      admin: false,
      success: { status: 200, description: 'Status', schema: statusView },
      problems: [],
      handle: async ({ auth }) => ({ status: 200, body: await services.connection.status(auth) }),
    }),
  ];
}
