import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createSecretBox, type SecretBox } from '../../proxy/crypto/secret-box.js';
import { openDatabase } from '../../proxy/db/database.js';
import { migrateToLatest } from '../../proxy/db/migrate.js';
import { startChild, type Child } from '../support/child.js';
import { signDisposableToken, type TokenParty } from '../support/disposable-token.js';
import { currentProxyBuild } from '../support/dist-freshness.js';
import { readRss } from '../support/proc-status.js';
import { insertAccount, insertBuyers, type BuyerRow } from '../support/read-model-seed.js';
import { round, type Section } from '../section.js';

const BUYERS = 100_000;
const STEP = 10_000;
const MiB = 2 ** 20;

/** Proxy RSS (kernel's VmRSS of the real entry point) with 100,000 buyers, and SQLite bytes per 10,000 buyers. */
export const memorySection: Section = {
  key: 'memory',
  title: 'Memory and database size',
  timeoutMs: () => 300_000,
  async run({ log }) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
    try {
      const emptyFile = join(dir, 'empty.sqlite');
      const fullFile = join(dir, 'full.sqlite');
      const party = tokenParty();
      // One key for the seeded rows and the proxy child, so the account's МойСклад token is one the proxy can open.
      const encryptionKey = randomBytes(32);
      const secrets = createSecretBox(encryptionKey);
      await prepareDatabase(emptyFile, party, secrets, 0);
      const emptyBytes = fileBytes(emptyFile);
      const started = performance.now();
      const sizes = await prepareDatabase(fullFile, party, secrets, BUYERS);
      const insertSeconds = (performance.now() - started) / 1000;
      log(`${BUYERS} buyers inserted in ${round(insertSeconds, 1)} s, file ${round(fileBytes(fullFile) / MiB, 1)} MiB`);

      const empty = await measureProxy(emptyFile, party, encryptionKey, 0, dir);
      const full = await measureProxy(fullFile, party, encryptionKey, BUYERS, dir);
      log(`RSS empty ${round(empty.idle.rssBytes / MiB, 1)} MiB, with ${BUYERS} buyers ${round(full.afterLoad.rssBytes / MiB, 1)} MiB after ${full.cardRequests} card views`);
      const fullBytes = fileBytes(fullFile);
      return {
        buyers: BUYERS,
        proxyRunner: full.runner,
        rssEmptyDbIdleMiB: round(empty.idle.rssBytes / MiB, 1),
        rssEmptyDbAfterCardViewsMiB: round(empty.afterLoad.rssBytes / MiB, 1),
        rssIdleMiB: round(full.idle.rssBytes / MiB, 1),
        rssAfterCardViewsMiB: round(full.afterLoad.rssBytes / MiB, 1),
        peakRssMiB: round(full.afterLoad.peakRssBytes / MiB, 1),
        cardViews: full.cardRequests,
        cardViewsOk: full.ok,
        rssGrowthFromBuyersMiB: round((full.afterLoad.rssBytes - empty.afterLoad.rssBytes) / MiB, 1),
        dbEmptyBytes: emptyBytes,
        dbBytes: fullBytes,
        dbBytesPer10kBuyers: Math.round((fullBytes - emptyBytes) / (BUYERS / STEP)),
        dbBytesPer10kBuyersMeasuredSteps: sizes.map((bytes, i) => (i === 0 ? bytes - emptyBytes : bytes - sizes[i - 1]!)),
        insertBuyersPerSecond: Math.round(BUYERS / insertSeconds),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function tokenParty(): TokenParty {
  return { clientId: randomUUID(), clientSecret: randomBytes(32).toString('base64url'), publicUrl: 'https://proxy.bench.test', baseUrlTemplate: 'http://127.0.0.1:9/a/{subdomain}', accountId: 31000001, userId: 5000001, subdomain: 'bench' };
}

const fileBytes = (file: string) => statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

/** Migrates, inserts `buyers` through the proxy's Kysely schema; returns the file size after each 10,000. */
async function prepareDatabase(file: string, party: TokenParty, secrets: SecretBox, buyers: number): Promise<number[]> {
  const database = openDatabase(`file:${file}`);
  const sizes: number[] = [];
  try {
    await migrateToLatest(database.db, database.dialect);
    await insertAccount(database.db, secrets, party.accountId, party.subdomain);
    for (let start = 0; start < buyers; start += STEP) {
      const rows: BuyerRow[] = [];
      for (let i = start; i < Math.min(buyers, start + STEP); i++) {
        rows.push({ moyskladId: randomUUID(), amoCustomerId: 1_000_000 + i, name: `Покупатель ${i} Тестовый`, phone: `+7999${String(i).padStart(7, '0')}`, bonusCard: `CARD-${i}`, points: i % 5000, purchaseTotalKopecks: i * 137, purchaseCount: i % 40 });
      }
      await insertBuyers(database.db, party.accountId, rows);
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(database.db); // so the main file holds every page
      sizes.push(fileBytes(file));
    }
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(database.db);
  } finally {
    await database.close();
  }
  return sizes;
}

/** Starts the proxy's real entry (dist build when present), reads VmRSS idle and after card views. */
async function measureProxy(file: string, party: TokenParty, encryptionKey: Buffer, buyers: number, dir: string) {
  // Compiled JS as in production (tsx would add its loader's memory); tsx only if no build can be made.
  const built = currentProxyBuild();
  const runner = built?.label ?? 'node --import tsx proxy/server.ts (no build possible)';
  const { child, ready } = await startChild<{ url: string }>(built?.entry ?? 'proxy/server.ts', {
    typescript: !built,
    timeoutMs: 60_000,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_URL: party.publicUrl,
      DATABASE_URL: `file:${file}`,
      ENCRYPTION_KEY: encryptionKey.toString('base64'),
      AMOCRM_CLIENT_ID: party.clientId,
      AMOCRM_CLIENT_SECRET: party.clientSecret,
      AMOCRM_REDIRECT_URI: `${party.publicUrl}/amocrm/install`,
      AMOCRM_BASE_URL_TEMPLATE: party.baseUrlTemplate,
      MOYSKLAD_API_URL: 'http://127.0.0.1:9/api/remap/1.2',
      LOG_LEVEL: 'info',
      DATA_DIR: dir,
    },
    readyWhen: (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        return entry.msg === 'proxy started' && entry.url ? { url: entry.url } : undefined;
      } catch {
        return undefined;
      }
    },
  });
  try {
    await settle();
    const idle = readRss(child.process.pid!);
    const { requests, ok } = await viewCards(ready.url, party, buyers);
    await settle();
    const afterLoad = readRss(child.process.pid!);
    return { runner, idle, afterLoad, cardRequests: requests, ok };
  } finally {
    await stopChild(child);
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

async function stopChild(child: Child) {
  await child.stop('SIGTERM');
}

/** 2,000 card views over random buyers, 10 at a time: the working set a busy account would touch. */
async function viewCards(url: string, party: TokenParty, buyers: number): Promise<{ requests: number; ok: number }> {
  const total = 2_000;
  let next = 0;
  let ok = 0;
  const deadline = Date.now() + 60_000;
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      next += 1;
      const id = 1_000_000 + Math.floor(Math.random() * Math.max(buyers, 1));
      // `url` is the proxy's base URL as it logs it (with a trailing slash): resolve, never concatenate.
      const response = await fetch(new URL(`/api/widget/customers/${id}/card`, url), { headers: { 'x-auth-token': signDisposableToken(party) } });
      const body = (await response.json()) as { code?: string };
      // With no buyers the card is the proxy's own "unknown customer" answer, not a missing route.
      if (buyers > 0 ? response.status === 200 : response.status === 404 && body.code === 'customer_not_linked') ok += 1;
      else if (!firstFailure) firstFailure = `${response.status} ${JSON.stringify(body).slice(0, 300)}`;
    }
  };
  let firstFailure: string | undefined;
  await Promise.all(Array.from({ length: 10 }, worker));
  // RSS after views that all failed would measure the error path, not the card: refuse to report it.
  if (ok < next) throw new Error(`${next - ok} of ${next} card views failed; first: ${firstFailure ?? 'unknown'}`);
  return { requests: next, ok };
}
