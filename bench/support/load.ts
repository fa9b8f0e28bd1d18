import { createRequire } from 'node:module';
import { percentile, round } from '../section.js';

// autocannon ships no types; this is the slice we use.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonTracker extends PromiseLike<{ non2xx: number; errors: number; timeouts: number; requests: { total: number } }> {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}
type Autocannon = (options: Record<string, unknown>) => AutocannonTracker;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadFigures {
  connections: number;
  requests: number;
  non2xx: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * One autocannon run: `connections` keep-alive connections for `durationSec`, each request with headers
 * from `headers()` (fresh token per request). Percentiles come from every response time (autocannon's own
 * histogram has no p95).
 */
export async function measureLoad(url: string, options: { connections: number; durationSec: number; headers: () => Record<string, string> }): Promise<LoadFigures> {
  const latencies: number[] = [];
  let statusNot2xx = 0;
  const started = performance.now();
  const tracker = autocannon({
    url,
    connections: options.connections,
    duration: options.durationSec,
    timeout: 10,
    requests: [{ method: 'GET', setupRequest: (request: AutocannonRequest) => ({ ...request, headers: { ...request.headers, ...options.headers() } }) }],
  });
  tracker.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    latencies.push(responseTimeMs);
    if (statusCode < 200 || statusCode >= 300) statusNot2xx += 1;
  });
  const result = await tracker;
  const elapsedSec = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    connections: options.connections,
    requests: latencies.length,
    non2xx: statusNot2xx,
    errors: result.errors + result.timeouts,
    requestsPerSecond: round(latencies.length / elapsedSec, 1),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
  };
}
