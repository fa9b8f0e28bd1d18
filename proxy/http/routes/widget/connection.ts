import { defineRoute, type WidgetRoute } from './route-definition.js';
import { connectBody, connectedView } from './schemas.js';
import type { WidgetServices } from './services.js';

export function connectionRoutes(services: WidgetServices): WidgetRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/widget/connection',
      operationId: 'connectMoySklad',
      summary: 'Connect МойСклад with a login and password (only the issued token is stored, encrypted)',
      admin: true,
      body: connectBody,
      success: { status: 200, description: 'Connected', schema: connectedView },
      problems: { 422: ['moysklad_auth_failed'], 403: ['moysklad_no_api_access'], 402: ['moysklad_tariff'], 502: ['moysklad_unreachable'] },
      handle: async ({ auth, body }) => ({ status: 200, body: await services.connection.connect(auth, body.login, body.password) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/widget/connection',
      operationId: 'disconnectMoySklad',
      summary: 'Forget the stored МойСклад token',
      admin: true,
      success: { status: 204, description: 'Disconnected' },
      problems: {},
      handle: async ({ auth }) => {
        await services.connection.disconnect(auth);
        return { status: 204 };
      },
    }),
  ];
}
