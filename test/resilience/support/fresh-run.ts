import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { RESILIENCE_RUN_PATH } from './record.js';

/** vitest globalSetup: the run's figures file starts empty, so it holds only this run's scenarios. */
export default function setup(): void {
  rmSync(RESILIENCE_RUN_PATH, { force: true });
  mkdirSync(dirname(RESILIENCE_RUN_PATH), { recursive: true });
}
