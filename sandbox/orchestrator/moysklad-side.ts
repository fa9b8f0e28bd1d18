import { MoySkladEmulator, type MoySkladEmulatorOptions } from '../moysklad/emulator.js';
import { DEFAULT_USER } from '../moysklad/options.js';
import { createPosRouter } from '../pos/index.js';
import { generateSeed } from '../seed/generate.js';
import type { SeedOptionsInput } from '../seed/options.js';
import type { Seed } from '../seed/types.js';

/** The МойСклад side: the JSON API emulator loaded with the deterministic seed, and «Касса» at `/pos`. */

export const SANDBOX_MOYSKLAD_LOGIN = DEFAULT_USER.login;
export const SANDBOX_MOYSKLAD_PASSWORD = DEFAULT_USER.password;

export interface MoySkladSide {
  emulator: MoySkladEmulator;
  seed: Seed;
  /** `http://127.0.0.1:PORT/api/remap/1.2`, the proxy's MOYSKLAD_API_URL. */
  apiUrl: string;
  posUrl: string;
}

export async function startMoySkladSide(options: { port: number; seed?: SeedOptionsInput; timeScale?: number; emulator?: Omit<MoySkladEmulatorOptions, 'timeScale'> }): Promise<MoySkladSide> {
  const emulator = new MoySkladEmulator({ ...options.emulator, ...(options.timeScale ? { timeScale: options.timeScale } : {}) });
  // The till page goes on the emulator's own app: its sales are then "made in МойСклад" (same origin,
  // same store, webhooks fire) exactly as the till helper documents.
  emulator.router.use('/pos', createPosRouter({ emulator }));
  const { baseUrl } = await emulator.listen(options.port);
  // The seed's hrefs must point at this emulator, so it is generated after listen() knows the port.
  const seed = generateSeed({ ...options.seed, baseUrl });
  emulator.load(seed);
  return { emulator, seed, apiUrl: baseUrl, posUrl: `${new URL(baseUrl).origin}/pos` };
}
