import type { Router } from 'express';
import { createEmulatorBackend, type TillEmulator } from './emulator-backend.js';
import type { PosErrorLogger } from './pos-api.js';
import { createPosRouterForBackend } from './pos-router.js';

export type { PosBackend, PosBuyer, PosProduct, PosReceipt, PosSale } from './pos-backend.js';
export { createEmulatorBackend, type TillEmulator } from './emulator-backend.js';
export { createPosRouterForBackend } from './pos-router.js';
export type { PosErrorLogger } from './pos-api.js';

export interface PosRouterOptions {
  emulator: TillEmulator;
  /** How long buyer/product lists are memoised (ms); sales and returns made here drop the memo. Default 1000. */
  cacheMs?: number;
  /** Receives unexpected failures (answered as HTTP 500 without details), e.g. `(e) => logger.error(e)`. */
  logError?: PosErrorLogger;
}

/** «Касса МойСклад» for the sandbox: mount with `app.use('/pos', createPosRouter({ emulator }))`. */
export function createPosRouter(options: PosRouterOptions): Router {
  return createPosRouterForBackend(createEmulatorBackend(options.emulator, { cacheMs: options.cacheMs }), options.logError);
}
