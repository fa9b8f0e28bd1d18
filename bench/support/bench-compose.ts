import { combineModules } from '../../proxy/compose.js';
import { createWidgetApi } from '../../proxy/http/routes/widget-api.js';
import type { ComposeModules } from '../../proxy/server.js';
import { createSyncModule, type SyncModuleOptions } from '../../proxy/sync/module.js';

/**
 * The production composition (widget API + sync, as proxy/compose.ts) with the amoCRM limiter's time scale
 * matched to the emulator's, which the production entry has no knob for (it always runs at real time).
 */
export function benchCompose(compression: number, sync: SyncModuleOptions = {}): ComposeModules {
  return (context) => {
    const widgetApi = createWidgetApi({ config: context.config, database: context.database, secrets: context.secrets, logger: context.logger, queue: context.queue });
    const syncModule = createSyncModule(context, { amoTimeScale: 1 / compression, ...sync });
    return combineModules([{ routes: [widgetApi.register], stop: () => widgetApi.installation.settle() }, syncModule]);
  };
}
