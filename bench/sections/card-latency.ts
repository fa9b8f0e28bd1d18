import { randomBytes, randomUUID } from 'node:crypto';
import { startChild } from '../support/child.js';
import { signDisposableToken, type TokenParty } from '../support/disposable-token.js';
import { measureLoad, type LoadFigures } from '../support/load.js';
import { round, type Figures, type Section } from '../section.js';

const CONNECTIONS = [1, 10, 100] as const;
/** Added to every МойСклад call of the naive forwarder: a round trip to api.moysklad.ru from a Russian DC. */
const NETWORK_LATENCY_MS = 100;

/** p50/p95/p99 of the card from our read model vs a forwarder that asks МойСклад on every view. */
export const cardLatencySection: Section = {
  key: 'cardLatency',
  title: 'Card API latency (read model vs naive forwarder)',
  timeoutMs: (size) => (size === 'full' ? 420_000 : 180_000),
  async run({ size, log }) {
    const durationSec = size === 'full' ? 20 : 6;
    const party: TokenParty = {
      clientId: randomUUID(),
      clientSecret: randomBytes(32).toString('base64url'),
      publicUrl: 'https://proxy.bench.test',
      baseUrlTemplate: 'http://127.0.0.1:9/a/{subdomain}',
      accountId: 31000001,
      userId: 5000001,
      subdomain: 'bench',
    };
    const { child, ready } = await startChild<{ proxyUrl: string; naiveUrl: string; amoCustomerId: number; purchases: number }>('bench/support/card-server.ts', {
      env: { BENCH_CARD_CONFIG: JSON.stringify({ ...party, latencyMs: NETWORK_LATENCY_MS }), LOG_LEVEL: 'silent' },
    });
    try {
      const headers = () => ({ 'x-auth-token': signDisposableToken(party), accept: 'application/json' });
      const path = `/api/widget/customers/${ready.amoCustomerId}/card`;
      const measure = async (label: string, base: string): Promise<Record<string, LoadFigures>> => {
        await measureLoad(`${base}${path}`, { connections: 4, durationSec: 1, headers }); // warm-up (JIT, sqlite cache)
        const out: Record<string, LoadFigures> = {};
        for (const connections of CONNECTIONS) {
          const figures = await measureLoad(`${base}${path}`, { connections, durationSec, headers });
          log(`${label} c=${connections}: ${figures.requests} req, p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, p99 ${figures.p99Ms} ms, non-2xx ${figures.non2xx}`);
          // Latency of error answers (a 409 from a not-connected account, say) is not the card's: refuse to report it.
          if (figures.non2xx > 0 || figures.errors > 0) throw new Error(`${label} c=${connections}: ${figures.non2xx} non-2xx answers and ${figures.errors} errors of ${figures.requests}`);
          out[`c${connections}`] = figures;
        }
        return out;
      };
      const proxy = await measure('proxy', ready.proxyUrl);
      const naive = await measure('naive', ready.naiveUrl);
      const figures: Figures = { purchasesOnCard: ready.purchases, durationSecPerRun: durationSec, naiveAddedLatencyPerCallMs: NETWORK_LATENCY_MS };
      for (const connections of CONNECTIONS) {
        const p = proxy[`c${connections}`]!;
        const n = naive[`c${connections}`]!;
        figures[`c${connections}`] = {
          proxy: p,
          naive: n,
          // How many times slower the naive design is (same run, same machine).
          naiveOverProxyP50: round(n.p50Ms / p.p50Ms, 1),
          naiveOverProxyP95: round(n.p95Ms / p.p95Ms, 1),
          naiveOverProxyP99: round(n.p99Ms / p.p99Ms, 1),
        };
      }
      return figures;
    } finally {
      await child.stop();
    }
  },
};
