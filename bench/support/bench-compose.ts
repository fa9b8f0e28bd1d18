import { createComposeModules } from '../../proxy/compose.js';
import type { ComposeModules } from '../../proxy/context.js';
import type { SyncModuleOptions } from '../../proxy/sync/module.js';

/**
 * The production composition root (proxy/compose.ts) with the amoCRM limiter's time scale matched to the
 * emulator's: `compression` times faster on both sides (production runs at 1).
 */
export function benchCompose(compression: number, sync: SyncModuleOptions = {}): ComposeModules {
  return createComposeModules({ sync: { amoTimeScale: 1 / compression, ...sync } });
}
