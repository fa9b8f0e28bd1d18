import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { findCustomerWithPurchases } from '../../../sandbox/orchestrator/customer-lookup.js';
import { TEST_PACING, startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import { launchBrowser } from '../support/browser.js';
import { requireWidgetZip } from '../support/sandbox.js';

/** The widget's root inside the right-hand panel of the host page's customer card. */
export const CARD_WIDGET = '.card-widgets__elements .msk-widget';

/**
 * The whole product for a browser test: the sandbox exactly as `npm start` boots it (same orchestrator),
 * on free ports, a temporary data dir, a small seed and sped-up limits so a run takes seconds.
 */
export type FlowSandbox = {
  sandbox: RunningSandbox;
  /** A МойСклад buyer with purchases, as the amoCRM customer the sync made of it. */
  customer: { amoCustomerId: number; name: string };
  close(): Promise<void>;
};

export async function startFlowSandbox(): Promise<FlowSandbox> {
  const widgetZipPath = requireWidgetZip();
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-flows-'));
  const sandbox = await startSandbox({
    dataDir,
    widgetZipPath,
    seed: { buyers: 10, legalEntities: 1, entrepreneurs: 1, products: 8, sales: 20 },
    logLevel: 'silent',
    ...TEST_PACING,
    importTimeoutMs: 60_000,
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const customer = await findCustomerWithPurchases(sandbox);
  if (!customer) {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error('the import finished, but no amoCRM customer shows purchases on its widget card');
  }
  return {
    sandbox,
    customer,
    async close() {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One flow sandbox and one browser for the whole test file: booted in `beforeAll`, closed in `afterAll`.
 * Read `flow` and `browser` inside tests (they are set once the hooks have run).
 */
export function useFlowSandbox(): { readonly flow: FlowSandbox; readonly browser: Browser } {
  let flow: FlowSandbox | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    flow = await startFlowSandbox();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await flow?.close();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is not ready: read it inside a test, after beforeAll`);
    return value;
  };
  return {
    get flow() {
      return ready(flow, 'the flow sandbox');
    },
    get browser() {
      return ready(browser, 'the browser');
    },
  };
}
