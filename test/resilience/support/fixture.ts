import type { Kysely } from 'kysely';
import { expect, vi } from 'vitest';
import type { Database } from '../../../proxy/db/schema.js';
import { startStack, type Stack, type StackOptions } from '../../../bench/support/stack.js';

export const COMPRESSION = 10;

/** Individual buyers of the seed and products on sale, for till sales in the scenarios. */
export function tillParticipants(stack: Stack) {
  const buyers = stack.seed.counterparties.filter((c) => c.companyType === 'individual');
  const products = stack.seed.products.filter((p) => !p.archived);
  return { buyers, products };
}

/** A stack whose first import is finished (in-process proxies), plus a db handle for the ledger. */
export async function importedStack(options: StackOptions): Promise<{ stack: Stack; db: Kysely<Database> }> {
  const stack = await startStack({ compression: COMPRESSION, ...options, sync: { reconcileIntervalMs: 5_000, schedulerTickMs: 500, ...options.sync } });
  try {
    await stack.installAndConnect();
    await importFinished(stack, 150_000);
    return { stack, db: stack.openDatabase().db };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** Polls the widget's sync status until the first import is done and the queue empty; fails at once if it failed. */
export async function importFinished(stack: Stack, timeoutMs: number): Promise<void> {
  const status = await vi.waitFor(
    async () => {
      const now = await stack.api().syncStatus();
      const finished = now.import.state === 'done' && now.queue.pending === 0 && now.queue.running === 0;
      if (now.import.state !== 'failed' && !finished) throw new Error(`the import is ${now.import.state} (${now.import.done}/${now.import.total}), queue ${JSON.stringify(now.queue)}`);
      return now;
    },
    { timeout: timeoutMs, interval: 250 },
  );
  expect(status.import.state, status.failedJobs.map((job) => `${job.kind}: ${job.error}`).join('; ')).toBe('done');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
