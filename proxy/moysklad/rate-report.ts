import type { MoySkladClient } from './client.js';

/** How close a burst of calls came to the budget the server advertised (for `npm run bench`). */
export interface RateReport {
  requests: number;
  elapsedMs: number;
  achievedPerSecond: number;
  /** From X-RateLimit-Limit / X-Lognex-Retry-TimeInterval as last seen; null if the server sent no headers. */
  allowedPerSecond: number | null;
  /** achieved / allowed (≈0.9 is the limiter's headroom target). */
  utilization: number | null;
  /** 429s the client saw (and retried): the goal is zero. */
  rateLimited: number;
  parallelLimited: number;
}

/**
 * Fires `requests` cheap reads (`GET /context/employee`) at once through the client's limiter and reports the
 * achieved rate against the allowed one. Counts only this burst's 429s (snapshot difference).
 */
export async function measureMoySkladRate(client: MoySkladClient, requests = 200): Promise<RateReport> {
  const limiter = client.transport.limiter;
  const before = limiter.snapshot();
  const started = performance.now();
  await Promise.all(Array.from({ length: requests }, () => client.employeeContext()));
  const elapsedMs = performance.now() - started;
  const after = limiter.snapshot();
  const achievedPerSecond = requests / (elapsedMs / 1000);
  const allowedPerSecond = after.limit !== null && after.intervalMs ? after.limit / (after.intervalMs / 1000) : null;
  return {
    requests,
    elapsedMs: Math.round(elapsedMs),
    achievedPerSecond: round(achievedPerSecond),
    allowedPerSecond: allowedPerSecond === null ? null : round(allowedPerSecond),
    utilization: allowedPerSecond === null ? null : round(achievedPerSecond / allowedPerSecond),
    rateLimited: after.rateLimited - before.rateLimited,
    parallelLimited: after.parallelLimited - before.parallelLimited,
  };
}

export function formatRateReport(label: string, report: RateReport): string {
  const allowed = report.allowedPerSecond === null ? 'unknown' : `${report.allowedPerSecond}/s`;
  const share = report.utilization === null ? '' : ` (${Math.round(report.utilization * 100)}% of allowed)`;
  return `${label}: ${report.requests} calls in ${report.elapsedMs} ms → ${report.achievedPerSecond}/s, allowed ${allowed}${share}, 429s: ${report.rateLimited} rate + ${report.parallelLimited} parallel`;
}

const round = (value: number) => Math.round(value * 100) / 100;
