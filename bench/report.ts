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
  for (const key of ['initialImport', 'initialImportFull']) {
    if (get(key) === undefined) continue;
    console.log(`\n### Initial import${key.endsWith('Full') ? ', size full' : ', default sandbox data'} (${show(get(`${key}.measuredAt`))}, load average ${show(get(`${key}.loadAverage1mAtStart`))}, data set ${show(get(`${key}.dataSet`))}, ×${show(get(`${key}.compression`))})${skipped(key)}`);
    console.log(
      table([
        ['elapsed, real-time equivalent (s)', `${key}.elapsedSec`],
        ['physical minimum (s)', `${key}.minimumSec`],
        ['elapsed ÷ minimum', `${key}.elapsedOverMinimum`],
        ['minimum, computed from the data set', `${key}.minimumFormula`],
        ['amoCRM requests accepted', `${key}.amocrm.requests`],
        ['amoCRM minimum requests', `${key}.amocrm.minimumRequests.total`],
        ['amoCRM requests ÷ minimum', `${key}.amocrm.requestsOverMinimum`],
        ['amoCRM 429s', `${key}.amocrm.rejected429`],
        ['amoCRM 403s (blocked)', `${key}.amocrm.rejected403`],
        ['amoCRM max accepted in a second (limit 7)', `${key}.amocrm.maxAcceptedInAnySecond`],
        ['amoCRM achieved requests/s', `${key}.amocrm.achievedPerSec`],
        ['amoCRM requests sent, by endpoint (429-refused ones included)', `${key}.amocrm.byEndpoint`],
        ['МойСклад requests', `${key}.moysklad.requests`],
        ['МойСклад minimum requests', `${key}.moysklad.minimumRequests.total`],
        ['МойСклад requests ÷ minimum', `${key}.moysklad.requestsOverMinimum`],
        ['МойСклад 429s', `${key}.moysklad.rejected429`],
        ['МойСклад requests by endpoint', `${key}.moysklad.byEndpoint`],
      ]),
    );
  }
  for (const key of ['realTime', 'realTimeFull']) {
    if (get(key) === undefined) continue;
    console.log(`\n### Real time${key.endsWith('Full') ? ', size full' : ''} (${show(get(`${key}.measuredAt`))}, load average ${show(get(`${key}.loadAverage1mAtStart`))})${skipped(key)}`);
    console.log(
      table([
        ['sales (visible within the cap)', `${key}.sales`],
        ['p50 ms, all sales', `${key}.p50Ms`],
        ['p95 ms', `${key}.p95Ms`],
        ['max ms', `${key}.maxMs`],
        ['first sale right after the import (ms)', `${key}.firstAfterImportMs`],
        ['steady state', `${key}.steady`],
        ['during a reconciliation pass writing a backlog', `${key}.duringReconcile`],
        ['each sale, in order (ms)', `${key}.latenciesInSaleOrderMs`],
      ]),
    );
  }
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
