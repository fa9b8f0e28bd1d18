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
      problems: ['moysklad_auth_failed', 'moysklad_no_api_access', 'moysklad_tariff', 'moysklad_unreachable'],
      handle: async ({ auth, body }) => ({ status: 200, body: await services.connection.connect(auth, body.login, body.password) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/widget/connection',
      operationId: 'disconnectMoySklad',
      summary: 'Forget the stored МойСклад token',
      admin: true,
      success: { status: 204, description: 'Disconnected' },
      problems: [],
      handle: async ({ auth }) => {
        await services.connection.disconnect(auth);
        return { status: 204 };
      },
    }),
  ];
}
