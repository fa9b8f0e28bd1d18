import type { Router } from 'express';
import { createEmulatorBackend, type TillEmulator } from './emulator-backend.js';
import { createPosRouterForBackend } from './pos-router.js';

export type { PosBackend, PosBuyer, PosProduct, PosReceipt, PosSale } from './pos-backend.js';
export { createEmulatorBackend, type TillEmulator } from './emulator-backend.js';
export { createPosRouterForBackend } from './pos-router.js';

export interface PosRouterOptions {
  emulator: TillEmulator;
  /** How long buyer/product lists are memoised (ms); sales and returns made here drop the memo. Default 1000. */
  cacheMs?: number;
}

/** «Касса МойСклад» for the sandbox: mount with `app.use('/pos', createPosRouter({ emulator }))`. */
export function createPosRouter(options: PosRouterOptions): Router {
  return createPosRouterForBackend(createEmulatorBackend(options.emulator, { cacheMs: options.cacheMs }));
}
