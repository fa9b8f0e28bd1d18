import { join } from 'node:path';
import { describeMachine } from '../../../bench/machine.js';
import { mergeResults } from '../../../bench/results-file.js';

/**
 * This run's figures, under test-results/ (ignored by git): the suite never writes a tracked file.
 * `npm run resilience:record` (scripts/record-resilience.ts) copies them into bench/results.json and
 * docs/resilience.md after a fully passing run.
 */
export const RESILIENCE_RUN_PATH = join(process.cwd(), 'test-results', 'resilience.json');

/** Writes one scenario's figures under `resilience.<scenario>` of this run's file (other scenarios kept). */
export function recordScenario(scenario: string, figures: Record<string, unknown>): void {
  mergeResults('resilience', { ...figures, measuredAt: new Date().toISOString(), machine: `${describeMachine().cpuCount} × ${describeMachine().cpuModel}` }, scenario, RESILIENCE_RUN_PATH);
}
