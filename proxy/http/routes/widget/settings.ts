import { defineRoute, type WidgetRoute } from './route-definition.js';
import { settingsSchema, settingsValues, settingsView } from './schemas.js';
import type { WidgetServices } from './services.js';

export function settingsRoutes(services: WidgetServices): WidgetRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/widget/settings',
      operationId: 'getSettings',
      summary: 'Widget settings and the МойСклад price types to choose from (empty when not connected)',
      admin: false,
      success: { status: 200, description: 'Settings', schema: settingsView },
      problems: [],
      handle: async ({ auth }) => ({ status: 200, body: await services.settings.get(auth) }),
    }),
    defineRoute({
      method: 'put',
      path: '/api/widget/settings',
      operationId: 'putSettings',
      summary: 'Replace the widget settings (fields added later may be omitted: they keep their stored values)',
      admin: true,
      body: settingsSchema,
      success: { status: 200, description: 'Saved settings', schema: settingsValues },
      problems: [],
      handle: async ({ auth, body }) => ({ status: 200, body: await services.settings.put(auth, body) }),
    }),
  ];
}
