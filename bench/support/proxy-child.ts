// A proxy in its own process (so a test can SIGKILL it): the usual environment (proxy/config.ts) plus
// BENCH_COMPRESSION and BENCH_SYNC_OPTIONS (JSON). Prints `{"url": …}` once listening.
import { z } from 'zod';
import { loadConfig } from '../../proxy/config.js';
import { createComposeModules } from '../../proxy/compose.js';
import { startProxy } from '../../proxy/server.js';
import type { SyncModuleOptions } from '../../proxy/sync/module.js';

const compression = z.coerce.number().positive().parse(process.env.BENCH_COMPRESSION ?? '1');
const sync = z.record(z.string(), z.union([z.number(), z.boolean()])).parse(JSON.parse(process.env.BENCH_SYNC_OPTIONS ?? '{}')) as SyncModuleOptions;
const proxy = await startProxy(loadConfig(), createComposeModules({ sync }), { drainMs: 1_000, amo: { timeScale: 1 / compression } }); // the proxy's amoCRM pacing on the emulator's clock
process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
process.stdin.on('end', () => void proxy.close().then(() => process.exit(0))); // parent gone: do not linger
process.stdin.resume();
