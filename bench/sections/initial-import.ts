import { MAX_BATCH_SIZE } from '../../proxy/amocrm/index.js';
import { tapAmoTraffic } from '../support/amo-traffic.js';
import { SUBDOMAIN, startStack } from '../support/stack.js';
import { waitForImport } from '../support/wait-import.js';
import { round, type Section, type Size } from '../section.js';

/** The real limits (reference): МойСклад 11 requests / 3 s per user, amoCRM 7 requests / s per account. */
const MS_PER_WINDOW = 11;
const MS_WINDOW_MS = 3_000;
const AMO_PER_SECOND = 7;

const SIZES = {
  small: { seed: { buyers: 200, products: 50, sales: 400 }, compression: 10 },
  full: { seed: { buyers: 5_000, products: 500, sales: 10_000 }, compression: 20 },
} as const;

/**
 * First import against both emulators at their real limits, time compressed by the same factor on both
 * sides (the clients scale their limiters with it): how close each service's budget is used, how full the
 * amoCRM batches are, and how far the total time is from the minimum the limits allow for this traffic.
 */
export const initialImportSection: Section = {
  key: 'initialImport',
  title: 'Initial import against the emulators (real limits, compressed time)',
  timeoutMs: (size: Size) => (size === 'full' ? 45 * 60_000 : 8 * 60_000),
  async run({ size, log }) {
    const { seed, compression } = SIZES[size];
    const stack = await startStack({ seed, compression });
    const traffic = tapAmoTraffic(new URL(stack.amo.accountBaseUrl(SUBDOMAIN)).origin);
    try {
      const started = Date.now();
      await stack.installAndConnect();
      await waitForImport(stack, { timeoutMs: initialImportSection.timeoutMs(size) - 30_000, log });
      const finished = Date.now();
      const elapsedSec = (finished - started) / 1000;

      const msStats = Object.values(stack.ms.stats());
      const msAccepted = msStats.reduce((sum, s) => sum + s.timeline.filter((t) => t >= started && t <= finished).length, 0);
      const ms429 = msStats.reduce((sum, s) => sum + s.rejected429, 0);
      const msMaxInWindow = Math.max(0, ...Object.keys(stack.ms.stats()).map((login) => stack.ms.maxAcceptedInWindow(login)));
      const msAllowedPerSec = (MS_PER_WINDOW / (MS_WINDOW_MS / 1000)) * compression;

      const amoStats = stack.amo.stats(SUBDOMAIN);
      const amoAccepted = amoStats.timeline.filter((t) => t >= started && t <= finished).length;
      const amoAllowedPerSec = AMO_PER_SECOND * compression;

      // Lower bounds on the total time: every request this run needed, sent back to back at the allowed rate;
      // and the same with every amoCRM write packed into full batches of 250.
      const minAtRequestCount = Math.max(msAccepted / msAllowedPerSec, amoAccepted / amoAllowedPerSec);
      const amoReads = amoAccepted - traffic.writes;
      const amoItems = traffic.arrayItems + (traffic.writes - traffic.arrayWrites);
      const minFullBatches = Math.max(msAccepted / msAllowedPerSec, (amoReads + Math.ceil(amoItems / MAX_BATCH_SIZE)) / amoAllowedPerSec);
      const topEndpoints = [...traffic.byEndpoint.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);

      log(`import done in ${round(elapsedSec, 1)} s (×${compression} compressed): МойСклад ${msAccepted} requests, amoCRM ${amoAccepted}`);
      return {
        mode: 'full sync (proxy/sync module)',
        dataSet: seed,
        compression,
        elapsedSecCompressed: round(elapsedSec, 1),
        elapsedSecRealTimeEquivalent: round(elapsedSec * compression, 0),
        moysklad: {
          requests: msAccepted,
          rejected429: ms429,
          maxAcceptedInWindow: msMaxInWindow,
          allowedInWindow: MS_PER_WINDOW,
          achievedPerSec: round(msAccepted / elapsedSec),
          allowedPerSec: round(msAllowedPerSec),
          achievedOverAllowed: round(msAccepted / elapsedSec / msAllowedPerSec, 3),
        },
        amocrm: {
          requests: amoAccepted,
          rejected429: amoStats.rejected429,
          rejected403: amoStats.rejected403,
          maxAcceptedInAnySecond: stack.amo.maxAcceptedInAnyWindow(SUBDOMAIN),
          achievedPerSec: round(amoAccepted / elapsedSec),
          allowedPerSec: amoAllowedPerSec,
          achievedOverAllowed: round(amoAccepted / elapsedSec / amoAllowedPerSec, 3),
          writes: traffic.writes,
          batchWrites: traffic.arrayWrites,
          meanBatchSize: traffic.arrayWrites ? round(traffic.arrayItems / traffic.arrayWrites, 1) : null,
          meanBatchOver250: traffic.arrayWrites ? round(traffic.arrayItems / traffic.arrayWrites / MAX_BATCH_SIZE, 3) : null,
          topEndpoints: Object.fromEntries(topEndpoints),
        },
        minSecAtThisRequestCount: round(minAtRequestCount, 1),
        totalOverMinAtThisRequestCount: round(elapsedSec / minAtRequestCount, 2),
        minSecWithFullBatches: round(minFullBatches, 1),
        totalOverMinWithFullBatches: round(elapsedSec / minFullBatches, 2),
      };
    } finally {
      traffic.stop();
      await stack.close();
    }
  },
};
