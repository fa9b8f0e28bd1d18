/**
 * The proxy's problem codes the widget reacts to by itself (beyond showing the localised `detail`).
 * `scripts/widget-contract.test.ts` checks that each is a code the proxy really sends.
 */
export const PROBLEM_CODES = {
  customerNotLinked: 'customer_not_linked',
  /** The first import has not reached this customer yet; the problem carries `import: { state, done, total }`. */
  customerImporting: 'customer_importing',
  notConnected: 'not_connected',
  needsReauth: 'moysklad_needs_reauth',
} as const;

