// `npm run resilience:record [-- <vitest args>]`: runs the resilience suite and, only if every scenario passed,
// publishes its figures: merged into bench/results.json under `resilience` (the benchmark figures stay) and
// rendered into docs/resilience.md between the figures markers. `npm run test:resilience` alone writes nothing
// tracked (its figures stay in test-results/resilience.json).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from '../bench/machine.js';
import { machineLine, resilienceTable } from '../bench/report-tables.js';
import { mergeResults, readResults } from '../bench/results-file.js';
import { RESILIENCE_RUN_PATH } from '../test/resilience/support/record.js';

const ROOT = join(import.meta.dirname, '..');
const DOC = join(ROOT, 'docs', 'resilience.md');
const START = '<!-- resilience-figures:start -->';
const END = '<!-- resilience-figures:end -->';

/** docs/resilience.md with its figures block replaced (exported for the test that keeps the markers honest). */
export function withFigures(doc: string, figures: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/resilience.md lacks the ${START} … ${END} markers`);
  return `${doc.slice(0, from + START.length)}\n${figures.trim()}\n${doc.slice(to)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'vitest.resilience.config.ts', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error('the resilience suite failed: bench/results.json and docs/resilience.md left as they were');
    process.exit(1);
  }
  const scenarios = (readResults(RESILIENCE_RUN_PATH).resilience ?? {}) as Record<string, unknown>;
  for (const [scenario, figures] of Object.entries(scenarios)) mergeResults('resilience', figures, scenario);
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const figures = [
    `From \`npm run resilience:record\` on ${new Date().toISOString().slice(0, 10)} (this run: ${Object.keys(scenarios).join(', ')}; ${minutes} min).`,
    '',
    machineLine({ machine: describeMachine() }),
    '',
    resilienceTable(readResults()),
  ].join('\n');
  writeFileSync(DOC, withFigures(readFileSync(DOC, 'utf8'), figures));
  console.log(`published ${Object.keys(scenarios).length} scenario(s) to bench/results.json and docs/resilience.md`);
}
