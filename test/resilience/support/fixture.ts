import type { Kysely } from 'kysely';
import type { Database } from '../../../proxy/db/schema.js';
import { startStack, type Stack, type StackOptions } from '../../../bench/support/stack.js';
import { waitForImport } from '../../../bench/support/wait-import.js';

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
    await waitForImport(stack, { timeoutMs: 150_000 });
    return { stack, db: stack.openDatabase().db };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
