// `npm run bench [-- --size small|full] [--only key,key]`: runs each section in sequence, each bounded in time,
// merges the figures into bench/results.json (keeping the resilience suite's figures) and prints a table.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.js';
import { mergeResults, RESULTS_PATH } from './results-file.js';
import { SkipSection, type Figures, type Section, type Size } from './section.js';
import { cardLatencySection } from './sections/card-latency.js';
import { initialImportSection } from './sections/initial-import.js';
import { memorySection } from './sections/memory.js';
import { realTimeSection } from './sections/real-time.js';
import { widgetSizeSection } from './sections/widget-size.js';
import { printTable } from './table.js';

const SECTIONS: Section[] = [widgetSizeSection, cardLatencySection, initialImportSection, realTimeSection, memorySection];

const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, only: { type: 'string' } } });
if (values.size !== 'small' && values.size !== 'full') {
  console.error('--size must be small or full');
  process.exit(2);
}
const size: Size = values.size;
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const machine = describeMachine();
mergeResults('machine', machine);
mergeResults('benchSize', size);
log(`${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, node ${machine.node}, size ${size}`);

const collected: Array<{ section: Section; figures: Figures }> = [];
for (const section of SECTIONS) {
  if (only && !only.has(section.key)) continue;
  log(`── ${section.title}`);
  const started = performance.now();
  // Per section, because `--only` runs update single sections and the machine is shared (load varies).
  const context = { measuredAt: new Date().toISOString(), loadAverage1mAtStart: Math.round(os.loadavg()[0]! * 100) / 100 };
  const figures = await runBounded(section);
  Object.assign(figures, context);
  figures.durationMs = Math.round(performance.now() - started);
  figures.size = size;
  // Small and full runs are kept side by side (`initialImport`, `initialImportFull`, …).
  mergeResults(size === 'full' ? `${section.key}Full` : section.key, figures);
  collected.push({ section, figures });
  log(`   done in ${figures.durationMs} ms${'skipped' in figures ? ` (skipped: ${String(figures.skipped)})` : ''}`);
}
printTable(collected);
console.log(`\nwritten to ${RESULTS_PATH}`);
// A section that timed out may still hold sockets or a child; the run is over, so do not wait for them.
process.exit(0);

async function runBounded(section: Section): Promise<Figures> {
  const limit = section.timeoutMs(size);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SkipSection(`timed out after ${limit} ms`)), limit);
  });
  try {
    return await Promise.race([section.run({ size, log: (m) => log(`   ${m}`) }), timeout]);
  } catch (error) {
    if (error instanceof SkipSection) return { skipped: error.reason };
    const message = error instanceof Error ? error.message : String(error);
    log(`   failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    return { skipped: `failed: ${message.slice(0, 300)}` };
  } finally {
    clearTimeout(timer);
  }
}
