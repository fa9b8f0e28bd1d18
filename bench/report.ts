// `npx tsx bench/report.ts [bench|resilience]`: renders bench/results.json as the markdown tables pasted into
// docs/benchmarks.md and docs/resilience.md, so the docs quote the file instead of retyping figures.
import { machineLine, resilienceTable, show } from './report-tables.js';
import { readResults } from './results-file.js';

const results = readResults();
const which = process.argv[2] ?? 'bench';
const get = (path: string): unknown => path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), results);
const table = (rows: Array<[string, string]>) => ['| figure | value |', '|---|---|', ...rows.map(([label, path]) => `| ${label} | ${show(get(path))} |`)].join('\n');

console.log(`${machineLine(results)}\n`);

if (which === 'bench') {
  const skipped = (key: string) => (get(`${key}.skipped`) ? `\n_skipped: ${show(get(`${key}.skipped`))}_\n` : '');
  console.log(`### Widget size (${show(get('widgetSize.measuredAt'))})${skipped('widgetSize')}`);
  console.log(table([['script.js + style.css, gzip -9 (shipped)', 'widgetSize.shippedGzipBytes'], ['same, script minified by ' + show(get('widgetSize.minifier')), 'widgetSize.minifiedGzipBytes'], ['goal (bytes)', 'widgetSize.goalBytes'], ['shipped ÷ goal', 'widgetSize.shippedVsGoal'], ['minified ÷ goal', 'widgetSize.minifiedVsGoal']]));
  console.log(`\n### Card API latency (${show(get('cardLatency.measuredAt'))}, load average ${show(get('cardLatency.loadAverage1mAtStart'))})${skipped('cardLatency')}`);
  console.log('| connections | proxy p50 / p95 / p99 ms | proxy req/s | naive p50 / p95 / p99 ms | naive req/s | naive ÷ proxy (p50 / p95 / p99) |');
  console.log('|---|---|---|---|---|---|');
  for (const c of [1, 10, 100]) {
    const k = `cardLatency.c${c}`;
    console.log(`| ${c} | ${show(get(`${k}.proxy.p50Ms`))} / ${show(get(`${k}.proxy.p95Ms`))} / ${show(get(`${k}.proxy.p99Ms`))} | ${show(get(`${k}.proxy.requestsPerSecond`))} | ${show(get(`${k}.naive.p50Ms`))} / ${show(get(`${k}.naive.p95Ms`))} / ${show(get(`${k}.naive.p99Ms`))} | ${show(get(`${k}.naive.requestsPerSecond`))} | ${show(get(`${k}.naiveOverProxyP50`))} / ${show(get(`${k}.naiveOverProxyP95`))} / ${show(get(`${k}.naiveOverProxyP99`))} |`);
  }
  console.log(`\n### Initial import (${show(get('initialImport.measuredAt'))}, data set ${show(get('initialImport.dataSet'))}, ×${show(get('initialImport.compression'))})${skipped('initialImport')}`);
  console.log(
    table([
      ['elapsed, compressed (s)', 'initialImport.elapsedSecCompressed'],
      ['elapsed, real-time equivalent (s)', 'initialImport.elapsedSecRealTimeEquivalent'],
      ['МойСклад requests', 'initialImport.moysklad.requests'],
      ['МойСклад 429s', 'initialImport.moysklad.rejected429'],
      ['МойСклад max accepted in a window (limit 11)', 'initialImport.moysklad.maxAcceptedInWindow'],
      ['МойСклад achieved ÷ allowed rate', 'initialImport.moysklad.achievedOverAllowed'],
      ['amoCRM requests', 'initialImport.amocrm.requests'],
      ['amoCRM 429s', 'initialImport.amocrm.rejected429'],
      ['amoCRM 403s (blocked)', 'initialImport.amocrm.rejected403'],
      ['amoCRM max accepted in a second (limit 7)', 'initialImport.amocrm.maxAcceptedInAnySecond'],
      ['amoCRM achieved ÷ allowed rate', 'initialImport.amocrm.achievedOverAllowed'],
      ['amoCRM mean batch size', 'initialImport.amocrm.meanBatchSize'],
      ['amoCRM mean batch ÷ 250', 'initialImport.amocrm.meanBatchOver250'],
      ['total ÷ minimum for this run\'s request count', 'initialImport.totalOverMinAtThisRequestCount'],
      ['total ÷ minimum with full 250-item batches', 'initialImport.totalOverMinWithFullBatches'],
      ['amoCRM requests by endpoint', 'initialImport.amocrm.topEndpoints'],
    ]),
  );
  console.log(`\n### Real time (${show(get('realTime.measuredAt'))})${skipped('realTime')}`);
  console.log(table([['sales', 'realTime.sales'], ['visible within the cap', 'realTime.visible'], ['p50 ms', 'realTime.p50Ms'], ['p95 ms', 'realTime.p95Ms'], ['max ms', 'realTime.maxMs'], ['each sale, in order (ms)', 'realTime.latenciesInSaleOrderMs']]));
  console.log(`\n### Memory (${show(get('memory.measuredAt'))})${skipped('memory')}`);
  console.log(
    table([
      ['runner', 'memory.proxyRunner'],
      ['RSS idle, empty database (MiB)', 'memory.rssEmptyDbIdleMiB'],
      ['RSS after 2,000 card views, empty database (MiB)', 'memory.rssEmptyDbAfterCardViewsMiB'],
      ['RSS idle, 100,000 buyers (MiB)', 'memory.rssIdleMiB'],
      ['RSS after 2,000 card views, 100,000 buyers (MiB)', 'memory.rssAfterCardViewsMiB'],
      ['SQLite bytes per 10,000 buyers', 'memory.dbBytesPer10kBuyers'],
      ['SQLite file with 100,000 buyers (bytes)', 'memory.dbBytes'],
    ]),
  );
} else {
  console.log(resilienceTable(results));
}
