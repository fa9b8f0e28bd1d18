import type { AmoClient } from './client.js';

/** How close a burst of amoCRM calls came to the configured per-account rate (for `npm run bench`). */
export interface AmoRateReport {
  requests: number;
  elapsedMs: number;
  achievedPerSecond: number;
  allowedPerSecond: number;
  utilization: number;
}

/** Fires `requests` cheap reads (`GET /api/v4/account`) at once through the client's limiter. */
export async function measureAmoRate(client: AmoClient, requests = 100): Promise<AmoRateReport> {
  const started = performance.now();
  await Promise.all(Array.from({ length: requests }, () => client.account.get()));
  const elapsedMs = performance.now() - started;
  // n calls spaced evenly span n-1 gaps; count it that way so a perfect limiter reports ≈ its rate.
  const achievedPerSecond = (requests - 1) / (elapsedMs / 1000);
  const allowedPerSecond = client.transport.limiter.allowedPerSecond;
  return {
    requests,
    elapsedMs: Math.round(elapsedMs),
    achievedPerSecond: round(achievedPerSecond),
    allowedPerSecond: round(allowedPerSecond),
    utilization: round(achievedPerSecond / allowedPerSecond),
  };
}

export function formatAmoRateReport(label: string, report: AmoRateReport): string {
  return `${label}: ${report.requests} calls in ${report.elapsedMs} ms → ${report.achievedPerSecond}/s, allowed ${report.allowedPerSecond}/s (${Math.round(report.utilization * 100)}%)`;
}

const round = (value: number) => Math.round(value * 100) / 100;
