/** How often polled МойСклад types are read (proxy/sync/poller.ts); the status page shows the same figures. */

/**
 * Sales are polled every second when webhooks cannot deliver them. Issue 10's target for a till sale to reach amoCRM
 * is p95 ≤ 2 s (p50 ≤ 1 s). A sale waits for the next poll at most one interval plus the poller's tick (0.25 s), half
 * of that on average, and its job then takes about 0.5 s (one МойСклад read, the amoCRM writes): ≤ 1.75 s at worst,
 * ≈ 1.1 s typically — the p95 holds, the median comes close to the webhook path's. It costs one МойСклад request a
 * second, 3 of the user's 11 requests per 3 s (2026 limits), and only for an account whose sales webhooks are refused
 * or failing.
 */
export const SALE_POLL_MS = 1_000;

/**
 * Every other polled type (buyers, bonus transactions, products, folders, returns) every 10 s: none of them has a
 * latency target (a till sale's job reads its buyer and points itself), and six polled types then cost 1 + 5 / 10 =
 * 1.5 requests a second at most, leaving more than half of the user's budget to the jobs and the widget.
 */
export const OTHER_POLL_MS = 10_000;

/** How often the poller looks for due turns (a turn is claimed in the database, so several processes poll once). */
export const POLL_TICK_MS = 250;

export function pollIntervalMs(type: string, options: { salePollMs: number; otherPollMs: number }): number {
  return type === 'retaildemand' ? options.salePollMs : options.otherPollMs;
}
