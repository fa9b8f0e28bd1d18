import { describeMachine } from '../../../bench/machine.js';
import { mergeResults } from '../../../bench/results-file.js';

/** Writes one scenario's figures to bench/results.json under `resilience.<scenario>` (other keys kept). */
export function recordScenario(scenario: string, figures: Record<string, unknown>): void {
  mergeResults('resilience', { ...figures, measuredAt: new Date().toISOString(), machine: `${describeMachine().cpuCount} × ${describeMachine().cpuModel}` }, scenario);
}
