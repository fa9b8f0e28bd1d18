import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENCRYPTION_KEY_FILE } from './encryption-key.js';
import { TEST_PACING, startSandbox, type RunningSandbox } from './start-sandbox.js';
import { WidgetApiError } from './widget-api-client.js';

// The whole sandbox in-process on port 0: МойСклад emulator + seed + till, amoCRM emulator + host page,
// and the real proxy (composeModules) on a temporary SQLite file, installed and connected like a user would.

let sandbox: RunningSandbox;
let dataDir: string;
let bootStartedAt: number;

beforeAll(async () => {
  bootStartedAt = Date.now();
  dataDir = mkdtempSync(join(tmpdir(), 'sandbox-orchestrator-'));
  sandbox = await startSandbox({
    dataDir,
    seed: { buyers: 6, legalEntities: 1, entrepreneurs: 1, products: 6, sales: 8 },
    logLevel: 'silent',
    ...TEST_PACING,
    importTimeoutMs: 40_000,
  });
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('startSandbox', () => {
  it('serves /healthz on the proxy and keeps the generated key private in the data dir', async () => {
    const health = await fetch(`${sandbox.urls.proxy}/healthz`);
    expect(health.status).toBe(200);
    const keyFile = join(dataDir, ENCRYPTION_KEY_FILE);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    expect(existsSync(join(dataDir, 'sandbox.sqlite'))).toBe(true);
  });

  it('installed the widget through amoCRM and connected МойСклад with the sandbox login', async () => {
    const status = await sandbox.widgetApi().status();
    expect(status).toMatchObject({ connected: true, isAdmin: true, amocrm: { state: 'installed' }, moysklad: { state: 'connected', login: 'admin@demo' } });
    // amoCRM really called our redirect URI, and the proxy exchanged the code with amoCRM.
    expect(sandbox.amocrm.hookLog.some((call) => call.url.startsWith(`${sandbox.urls.proxy}/amocrm/install?`) && call.status === 200)).toBe(true);
    // The password was used to obtain a token and is stored nowhere in the database file.
    const databaseBytes = readFileSync(join(dataDir, 'sandbox.sqlite'));
    expect(databaseBytes.includes(Buffer.from(sandbox.credentials.moysklad.password))).toBe(false);
  });

  it('reports when the data was last synced: the status route gives a time during the first import', async () => {
    const status = await sandbox.widgetApi().syncStatus(); // GET /api/widget/sync, as the widget's status page asks
    expect(status.import.state).toBe('done');
    expect(status.lastSyncAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    const at = Date.parse(status.lastSyncAt!);
    expect(at).toBeGreaterThanOrEqual(bootStartedAt);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('serves the host page of the account with the widget archive and the till page', async () => {
    const list = await fetch(sandbox.urls.customersList);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('<html');
    const pos = await fetch(sandbox.urls.pos);
    expect(pos.status).toBe(200);
  });

  it('refuses a disposable token that amoCRM did not sign', async () => {
    const forged = await fetch(`${sandbox.urls.proxy}/api/widget/status`, { headers: { 'X-Auth-Token': 'eyJhbGciOiJIUzI1NiJ9.e30.x' } });
    expect(forged.status).toBe(401);
  });

  it('puts a sale made at the till on the amoCRM customer and the widget card', async () => {
    const buyer = sandbox.seed.counterparties.find((c) => c.companyType === 'individual' && c.phone);
    expect(buyer).toBeDefined();
    const product = sandbox.seed.products[0]!;
    const sold = sandbox.moysklad.sellAtTill({ buyer: { id: buyer!.id }, positions: [{ productId: product.id, quantity: 2 }] });
    const sale = { id: String(sold.retaildemand.id), number: String(sold.retaildemand.name), sum: Number(sold.retaildemand.sum) };
    expect(sale.sum).toBeGreaterThan(0);

    const api = sandbox.widgetApi();
    // Each wait polls until its check passes (vi.waitFor retries while the callback throws).
    const customerId = await vi.waitFor(
      async () => {
        for (const customer of sandbox.amocrm.store.customers('demo')) {
          const id = Number(customer.id);
          const card = await api.card(id).catch((error: unknown) => (error instanceof WidgetApiError && error.status === 404 ? null : Promise.reject(error)));
          if (card?.customer.moyskladId === buyer!.id) return id;
        }
        throw new Error('the buyer is not linked to an amoCRM customer yet');
      },
      { timeout: 10_000, interval: 200 },
    );
    const transaction = await vi.waitFor(
      () => {
        const found = sandbox.amocrm.store.transactions('demo', customerId).find((t) => String((t as { comment?: unknown }).comment ?? '').includes(sale.number));
        if (!found) throw new Error('the sale is not an amoCRM transaction yet');
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    // amoCRM keeps whole roubles; the exact kopecks stay in the note and the card.
    expect(Number((transaction as { price: unknown }).price)).toBe(Math.round(sale.sum / 100));
    const notes = sandbox.amocrm.store.notes('demo', customerId);
    expect(JSON.stringify(notes)).toContain(product.name);

    const card = await vi.waitFor(
      async () => {
        const view = await api.card(customerId);
        expect(view.purchases.map((p) => p.id)).toContain(sale.id);
        return view;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(card.purchases[0]).toMatchObject({ id: sale.id, sumKopecks: sale.sum });
  });
});
