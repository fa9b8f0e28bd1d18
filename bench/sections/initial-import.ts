import { BIG_SEED_SIZES } from '../../sandbox/seed/index.js';
import { tapAmoTraffic } from '../support/amo-traffic.js';
import { dataSetOf, importMinimum } from '../support/import-minimum.js';
import { SUBDOMAIN, startStack } from '../support/stack.js';
import { importProgressLog } from '../support/import-progress.js';
import { round, type Section, type Size } from '../section.js';

/**
 * `small`: the sandbox's default data (what `npm start` imports); `full`: 5,000 buyers / 500 products / 10,000 sales.
 * Both at real speed: the amoCRM pacing margin is sized for real-time arrival jitter (proxy/amocrm/account-limiter.ts),
 * and compressing time compresses that tolerance with it — at ×2 on a loaded two-core machine the emulator counted
 * 21–27 arrivals over 7 a second, and the slow-down after each 429 doubled the import (1,120–1,196 s against 575 s).
 */
const SIZES = {
  small: { seed: {}, compression: 1 },
  full: { seed: BIG_SEED_SIZES, compression: 1 },
} as const;

const fold = (path: string) => path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '/{id}').replace(/\/\d+(?=\/|$)/g, '/{id}');

/**
 * The first import against both emulators at their real limits: elapsed time against the physical minimum computed
 * from the data set (every request the documented limits make unavoidable, both services in parallel), and the
 * requests actually made per endpoint on each side.
 */
export const initialImportSection: Section = {
  key: 'initialImport',
  title: 'Initial import against the emulators (real limits)',
  timeoutMs: (size: Size) => (size === 'full' ? 45 * 60_000 : 8 * 60_000),
  async run({ size, log }) {
    const { seed, compression } = SIZES[size];
    const stack = await startStack({ seed, compression });
    const traffic = tapAmoTraffic(new URL(stack.amo.accountBaseUrl(SUBDOMAIN)).origin);
    try {
      const minimum = importMinimum(dataSetOf(stack.seed));
      log(`minimum: ${minimum.formula}`);
      const started = Date.now();
      await stack.installAndConnect();
      await stack.waitForFirstImport(initialImportSection.timeoutMs(size) - 30_000, importProgressLog(log));
      const finished = Date.now();
      const elapsedSec = ((finished - started) / 1000) * compression;

      const msRequests = stack.ms.requestLog.filter((entry) => entry.at >= started && entry.at <= finished);
      const msByEndpoint = new Map<string, number>();
      for (const entry of msRequests) {
        const key = `${entry.method} ${fold(entry.path)}`;
        msByEndpoint.set(key, (msByEndpoint.get(key) ?? 0) + 1);
      }
      const amoStats = stack.amo.stats(SUBDOMAIN);
      const amoAccepted = amoStats.timeline.filter((t) => t >= started && t <= finished).length;
      const ms429 = Object.values(stack.ms.stats()).reduce((sum, s) => sum + s.rejected429, 0);
      const sorted = (map: Map<string, number>) => Object.fromEntries([...map.entries()].sort((a, b) => b[1] - a[1]));

      log(`import done in ${round(elapsedSec, 1)} s real-time equivalent: amoCRM ${amoAccepted} requests (minimum ${minimum.amo.total}), МойСклад ${msRequests.length} (minimum ${minimum.moysklad.total})`);
      return {
        dataSet: dataSetOf(stack.seed),
        compression,
        elapsedSec: round(elapsedSec, 1),
        minimumSec: round(minimum.seconds, 1),
        elapsedOverMinimum: round(elapsedSec / minimum.seconds, 2),
        minimumFormula: minimum.formula,
        amocrm: {
          requests: amoAccepted,
          minimumRequests: minimum.amo,
          requestsOverMinimum: round(amoAccepted / minimum.amo.total, 2),
          rejected429: amoStats.rejected429,
          rejected403: amoStats.rejected403,
          maxAcceptedInAnySecond: stack.amo.maxAcceptedInAnyWindow(SUBDOMAIN),
          achievedPerSec: round(amoAccepted / elapsedSec, 2),
          meanBatchSize: traffic.arrayWrites ? round(traffic.arrayItems / traffic.arrayWrites, 1) : null,
          byEndpoint: sorted(traffic.byEndpoint),
        },
        moysklad: {
          requests: msRequests.length,
          minimumRequests: minimum.moysklad,
          requestsOverMinimum: round(msRequests.length / minimum.moysklad.total, 2),
          rejected429: ms429,
          maxAcceptedInWindow: Math.max(0, ...Object.keys(stack.ms.stats()).map((login) => stack.ms.maxAcceptedInWindow(login))),
          byEndpoint: sorted(msByEndpoint),
        },
      };
    } finally {
      traffic.stop();
      await stack.close();
    }
  },
};
