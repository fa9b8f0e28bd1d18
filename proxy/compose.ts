import { createWidgetApiModule } from './http/routes/widget-api.js';
import type { JobHandler } from './queue/worker.js';
import type { ComposeModules, ProxyModules } from './context.js';
import { createSyncModule, type SyncModuleOptions } from './sync/module.js';

/**
 * The proxy's composition root: which feature modules one process runs. `startProxy(config, composeModules)`
 * builds the shared context (proxy/context.ts: config, db, secrets, queue, МойСклад limiters, amoCRM clients) and hands it here; each module contributes routes,
 * job handlers and its own start/stop (timers). Used by the process entry (proxy/server.ts), the sandbox
 * (sandbox/orchestrator) and the benchmarks, so all three run exactly the same wiring. Modules stop in reverse
 * order: the sync's scheduler stops before the widget API waits for pending installs and webhook removals.
 */
export interface ComposeOptions {
  /**
   * Tuning of the sync for the sandbox, tests and benchmarks (scheduler tick, intervals); production passes none. The
   * amoCRM clients' tuning is the context's (`startProxy(config, compose, { amo })`): both modules share them.
   */
  sync?: SyncModuleOptions;
}

/** A composition root with tuned options; `composeModules` below is the production one. */
export function createComposeModules(options: ComposeOptions = {}): ComposeModules {
  return (context) =>
    combineModules([
      // The widget API: its routes (widget, amoCRM hooks, referral page, /openapi.json) and the referral/purge sweep.
      createWidgetApiModule(context),
      // The sync: МойСклад/amoCRM webhook routes, its job handlers and the connect/reconcile scheduler.
      createSyncModule(context, options.sync),
    ]);
}

export const composeModules: ComposeModules = createComposeModules();

/**
 * Merges modules into one: routes in order, job handlers by kind (a kind claimed twice is a wiring bug and
 * fails the boot), `start` in order and `stop` in reverse, so a module stops before those it was built on.
 */
export function combineModules(modules: readonly ProxyModules[]): ProxyModules {
  const jobHandlers: Record<string, JobHandler<any>> = {};
  for (const module of modules) {
    for (const [kind, handler] of Object.entries(module.jobHandlers ?? {})) {
      if (kind in jobHandlers) throw new Error(`job kind "${kind}" is handled by two modules`);
      jobHandlers[kind] = handler;
    }
  }
  return {
    routes: modules.flatMap((module) => module.routes ?? []),
    jobHandlers,
    async start() {
      for (const module of modules) await module.start?.();
    },
    async stop() {
      const failures: unknown[] = [];
      for (const module of [...modules].reverse()) {
        try {
          await module.stop?.();
        } catch (error) {
          failures.push(error); // keep stopping the others; report once at the end
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'some proxy modules failed to stop');
    },
  };
}
