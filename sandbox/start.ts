// `npm start`: the whole product offline on this machine — МойСклад and amoCRM emulators, the amoCRM-like
// page with the built widget, and the proxy — installed, connected and synced. No account, no internet,
// no configuration. Ctrl+C stops everything gracefully.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { findCustomerWithPurchases } from './orchestrator/customer-lookup.js';
import { closeOnSignals } from './orchestrator/graceful-exit.js';
import { startSandbox, type RunningSandbox } from './orchestrator/start-sandbox.js';
import { buildWidgetZip, widgetZipStaleness } from './orchestrator/widget-build.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const envSchema = z.object({
  SANDBOX_MOYSKLAD_PORT: port(4010),
  SANDBOX_AMOCRM_PORT: port(4020),
  SANDBOX_PROXY_PORT: port(4030),
  SANDBOX_DATA_DIR: z.string().min(1).default(resolve(ROOT, 'data')),
  /** `1`: both services' rate limits 10× looser, so the first import takes seconds instead of minutes. */
  SANDBOX_FAST: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    console.error(`Invalid sandbox settings:\n${z.prettifyError(parsed.error)}`);
    process.exit(1);
  }
  const env = parsed.data;

  const stale = widgetZipStaleness(ROOT);
  if (stale) {
    console.log(`Building the widget (${stale})…`);
    await buildWidgetZip(ROOT);
  }

  console.log('Starting the sandbox (МойСклад, amoCRM, proxy)…');
  const started = Date.now();
  const sandbox = await startSandbox({
    waitForImport: false,
    ports: { moysklad: env.SANDBOX_MOYSKLAD_PORT, amocrm: env.SANDBOX_AMOCRM_PORT, proxy: env.SANDBOX_PROXY_PORT },
    dataDir: env.SANDBOX_DATA_DIR,
    widgetZipPath: resolve(ROOT, 'dist', 'widget.zip'),
    logLevel: env.LOG_LEVEL,
    ...(env.SANDBOX_FAST === '1'
      ? { moyskladTimeScale: 10, amoRateLimit: { perSecond: 70, blockAfterViolations: 10 }, proxyAmoTimeScale: 0.1 }
      : {}),
    // Sales in the demo data lead up to today, so the card's history looks current.
    seed: { now: Math.floor(Date.now() / 86_400_000) * 86_400_000 },
  });
  closeOnSignals(() => sandbox.close());
  console.log(await summary(sandbox, Date.now() - started, env));

  // By default the import runs at the real pace both services allow (amoCRM: 7 requests/s per integration;
  // МойСклад: 11 per 3 s per user), exactly as it would for a new customer: the pages fill up while it runs.
  const importStarted = Date.now();
  let lastLine = 0;
  await sandbox.waitForFirstImport(15 * 60_000, (progress) => {
    const line = `Importing buyers, products and sales from МойСклад: ${progress.done}/${progress.total || '?'} (${progress.state})`;
    if (process.stdout.isTTY) process.stdout.write(`\r  ${line}   `);
    else if (Date.now() - lastLine >= 10_000) {
      lastLine = Date.now();
      console.log(`  ${line}`);
    }
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  const customer = await findCustomerWithPurchases(sandbox);
  console.log(
    customer
      ? `\nImport done in ${((Date.now() - importStarted) / 1000).toFixed(0)} s. Open a customer card with purchases:\n  ${sandbox.urls.customerCard(customer.amoCustomerId)}   (${customer.name})\n`
      : '\nImport done, but no imported buyer has purchases yet: open the customers list.\n',
  );
}

async function summary(sandbox: RunningSandbox, elapsedMs: number, env: z.infer<typeof envSchema>): Promise<string> {
  const { urls, credentials } = sandbox;
  const amoToken = await sandbox.amocrm.issueLongLivedToken(credentials.amocrm.subdomain, 7 * 86_400);
  return [
    '',
    `Sandbox is running (up in ${(elapsedMs / 1000).toFixed(1)} s; the widget is installed and МойСклад connected). Press Ctrl+C to stop.`,
    '',
    `  Customers list:     ${urls.customersList}`,
    `  Widget settings:    ${urls.widgetSettings}   (Settings → Integrations; ?lang=en, ?theme=dark)`,
    `  Till (POS) page:    ${urls.pos}`,
    `  Proxy:              ${urls.proxy}   (${urls.proxy}/healthz, ${urls.proxy}/openapi.json)`,
    `  МойСклад API:       ${urls.moyskladApi}`,
    `  amoCRM account:     ${urls.amocrmAccount}   (API v4 under /api/v4)`,
    '',
    `  МойСклад login:     ${credentials.moysklad.login}`,
    `  МойСклад password:  ${credentials.moysklad.password}`,
    `  amoCRM token:       ${amoToken}`,
    '                      (long-lived, 7 days, admin of the "demo" account; sandbox only)',
    '',
    '  Try it:',
    `    curl --compressed -u '${credentials.moysklad.login}:${credentials.moysklad.password}' '${urls.moyskladApi}/entity/counterparty?limit=3&filter=companyType=individual'`,
    `    curl -H 'Authorization: Bearer ${amoToken}' '${urls.amocrmAccount}/api/v4/customers?limit=3&with=contacts'`,
    '',
    `  Proxy database:     ${sandbox.proxy.context.config.DATABASE_URL.replace(/^file:/, '')} (recreated on every start:`,
    '                      the emulators keep their state in memory; the encryption key next to it is kept)',
    ...(env.SANDBOX_FAST === '1' ? [] : ['', '  The first import runs at the real API limits (a few minutes); SANDBOX_FAST=1 npm start makes it ~10× faster.']),
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error('The sandbox failed to start:', error instanceof Error ? error.message : error);
  if (error instanceof Error && /EADDRINUSE/.test(error.message)) {
    console.error('A port is taken: set SANDBOX_MOYSKLAD_PORT, SANDBOX_AMOCRM_PORT or SANDBOX_PROXY_PORT.');
  }
  process.exit(1);
});
