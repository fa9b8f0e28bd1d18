import { syncBlocker, type SyncBlocker } from '../account-readiness.js';
import cliProgress from 'cli-progress';
import pino from 'pino';
import { z } from 'zod';
import { type Config, ConfigError, loadConfig } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { AmoRateStore } from '../db/repositories/amo-rate-store.js';
import { AmoAccountLimiter } from '../amocrm/account-limiter.js';
import { createLogger } from '../logger.js';
import type { JobQueue } from '../queue/job-queue.js';
import { defineJobHandler, Worker } from '../queue/worker.js';
import { type AmoClientTuning, createContext, type ProxyContext } from '../context.js';
import type { SyncEngine } from '../sync/engine.js';
import { runInitialImport } from '../sync/initial-import.js';
import { bulkOrderingKey } from '../sync/jobs.js';
import { createSyncModule, type SyncModuleOptions } from '../sync/module.js';
import { reconcileAccount } from '../sync/reconcile.js';
import { parseSyncArgs } from './sync-args.js';
import { isEntryPoint } from '../entry-point.js';

const NOT_READY: Record<SyncBlocker, string> = {
  unknown_account: 'the widget was never installed on it',
  moysklad_not_connected: 'МойСклад is not connected (an admin connects it in the widget settings)',
  moysklad_needs_reauth: 'МойСклад rejected the stored login; an admin must connect it again',
  amocrm_not_installed: 'amoCRM access is missing or revoked; the widget must be reinstalled',
};

/** The CLI's pass runs as a job of its own kind, so it takes its turn in the account's queue (see below). */
const CLI_JOB = 'sync.cli_pass';
const cliPayload = z.object({ accountId: z.number().int().positive(), full: z.boolean() });

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

type Env = Record<string, string | undefined>;

/**
 * `npm run sync -- --account <id> [--full]`: one sync pass for an account, in this process. Without `--full` it
 * continues from the saved cursors (or finishes an unfinished initial import); `--full` forgets the reconcile
 * cursors and re-applies everything (rules are idempotent, so this repairs drift and creates nothing twice).
 * `--unblock-amocrm` only clears the account's amoCRM block (set after amoCRM's 403 block page), for every process
 * sharing the database, once amoCRM support has lifted it; the server also probes once per cool-down by itself.
 * Exit codes: 0 done, 1 the account cannot be synced or the pass failed, 2 bad flags or configuration.
 */
export async function main(
  argv: readonly string[],
  env: Env = process.env,
  io: CliIo = { out: process.stdout, err: process.stderr },
  /** Sandbox and tests: the time-compressed limits of the emulators (production: none). */
  tuning: { amo?: AmoClientTuning; sync?: SyncModuleOptions } = {},
): Promise<number> {
  const parsed = parseSyncArgs(argv);
  if (!parsed.ok) {
    io.err.write(`${parsed.message}\n`);
    return 2;
  }
  const { account: accountId, full, unblockAmocrm } = parsed.args;
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err.write(`${error.message}\n`);
    return 2;
  }
  // Log lines go to stderr, like the progress bar, so stdout carries only the summary.
  const logger = createLogger({ level: config.LOG_LEVEL, destination: pino.destination({ fd: 2, sync: true }) });
  let context: ProxyContext;
  try {
    context = await createContext(config, { logger, ...(tuning.amo ? { amo: tuning.amo } : {}) });
  } catch (error) {
    return fail(io, `sync failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { database, accounts, queue } = context;
  try {
    const account = await accounts.find(accountId);
    if (!account) return fail(io, `account ${accountId} is unknown: the widget was never installed on it`);
    if (unblockAmocrm) return await unblockAmo(database, accountId, io);
    // The same rule as every job and widget route (proxy/account-readiness.ts): no МойСклад call once it refused the token.
    const blocker = syncBlocker(account);
    if (blocker) return fail(io, `account ${accountId} is not connected: ${NOT_READY[blocker]}`);

    const { engine } = createSyncModule(context, tuning.sync);
    if ((await engine.deps.state.get(accountId)).connectedAt === null) {
      return fail(io, `account ${accountId} is not connected yet: the server connects it (webhooks, fields) once both sides are authorised`);
    }
    const applied = await runAsQueuedJob(engine, queue, logger, accountId, full, io);
    io.out.write(`account ${accountId}: ${full ? 'full' : 'incremental'} pass done, ${applied} rows applied\n`);
    return 0;
  } catch (error) {
    return fail(io, `sync failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await database.close();
  }
}

/**
 * Runs the pass as a job with the account's ordering key, claimed by a worker of this process only. A server
 * running at the same time then neither runs its own jobs for this account alongside ours (the duplicate-creating
 * race the ordering key exists for) nor is blocked by us for long: one attempt, a short lease, and the job is
 * marked failed if we stop early, so it never waits in the queue without a process that can run it.
 */
async function runAsQueuedJob(engine: SyncEngine, queue: JobQueue, logger: ProxyContext['logger'], accountId: number, full: boolean, io: CliIo): Promise<number> {
  const bar = new cliProgress.SingleBar({ stream: io.err, format: 'sync [{bar}] {value}/{total} rows', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  const progress = (done: number, total: number) => {
    if (!started) {
      bar.start(total, 0);
      started = true;
    }
    bar.setTotal(total);
    bar.update(done);
  };
  let applied = 0;
  const handler = defineJobHandler(cliPayload, async (payload, job) => {
    if (payload.full) await resetReconcileCursors(engine, payload.accountId);
    if ((await engine.deps.state.get(payload.accountId)).import.state !== 'done') {
      let rows = 0;
      await runInitialImport(engine, payload.accountId, engine.deps.options.importPastSales, job.signal, (done, total) => {
        rows = done;
        progress(done, total);
      });
      applied = rows;
      return;
    }
    applied = await reconcileAccount(engine, payload.accountId, { sweepCatalog: payload.full, signal: job.signal, onProgress: progress });
  });
  const { id } = await queue.enqueue({ kind: CLI_JOB, accountId, payload: { accountId, full }, orderingKey: bulkOrderingKey(accountId), maxAttempts: 1 });
  const worker = new Worker({ queue, logger, handlers: { [CLI_JOB]: handler }, concurrency: 1, pollIntervalMs: 100, leaseMs: 30_000 });
  worker.start();
  const waitingSince = Date.now();
  let toldWaiting = false;
  try {
    for (;;) {
      const row = await engine.deps.db.selectFrom('jobs').select(['state', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
      if (row.state === 'completed') return applied;
      if (row.state === 'failed') throw new Error(row.last_error ?? 'the pass failed');
      if (row.state === 'available' && !toldWaiting && Date.now() - waitingSince > 2_000) {
        // A running server is busy with this account (an import can take a while): say why nothing moves.
        io.err.write(`waiting for the account's earlier sync jobs to finish…\n`);
        toldWaiting = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    if (started) bar.stop();
    await worker.stop(1_000);
    await engine.deps.db
      .updateTable('jobs')
      .set({ state: 'failed', locked_by: null, locked_until: null, last_error: 'the sync CLI stopped before the pass finished', updated_at: Date.now() })
      .where('id', '=', id)
      .where('state', 'in', ['available', 'running'])
      .execute();
  }
}

/** `--unblock-amocrm`: clears the block in the shared amo_rate row; the server's next amoCRM call goes out normally. */
async function unblockAmo(database: DatabaseHandle, accountId: number, io: CliIo): Promise<number> {
  const limiter = new AmoAccountLimiter({ store: new AmoRateStore(database.db, database.dialect) });
  const block = await limiter.blockState(String(accountId));
  if (!block) {
    io.out.write(`account ${accountId}: amoCRM was not blocked, nothing to clear\n`);
    return 0;
  }
  await limiter.unblock(String(accountId));
  io.out.write(`account ${accountId}: amoCRM block cleared (blocked since ${new Date(block.since).toISOString()}: ${block.reason})\n`);
  return 0;
}

/** `--full`: reconciliation streams and audit sweeps start from the beginning again. */
async function resetReconcileCursors(engine: SyncEngine, accountId: number): Promise<void> {
  await engine.deps.streams.reset(accountId, ['reconcile.', 'audit.']);
}

function fail(io: CliIo, message: string): number {
  io.err.write(`${message}\n`);
  return 1;
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('sync failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
