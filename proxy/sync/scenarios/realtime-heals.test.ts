import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { accountLifecycleJob, SYNC_JOBS } from '../jobs.js';
import { customers, transactionsOf } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, SUBDOMAIN, type SyncHarness } from '../test-support/sync-harness.js';

type Hook = { id: string; url: string; entityType: string; action: string; enabled?: boolean; meta: { href: string } };

const ourHooks = (h: SyncHarness) => (h.ms.list('webhook') as unknown as Hook[]).filter((hook) => hook.url.startsWith(`${h.config.PUBLIC_URL}/webhooks/moysklad/${ACCOUNT_ID}/`));
const urls = (hooks: Hook[]) => [...new Set(hooks.map((hook) => hook.url))];
const webhookRequests = (h: SyncHarness, since: number) => h.ms.requestLog.slice(since).filter((entry) => entry.path.startsWith('/entity/webhook')).map((entry) => `${entry.method} ${entry.path}`);

/** Acts on МойСклад's webhooks as an admin in its UI would (Basic auth, so the proxy's token is left alone). */
async function asMoySkladAdmin(h: SyncHarness, method: string, path: string, body: unknown): Promise<void> {
  const answer = await fetch(`${h.config.MOYSKLAD_API_URL}${path}`, {
    method,
    headers: { Authorization: `Basic ${Buffer.from('admin@demo:sandbox-password').toString('base64')}`, 'Accept-Encoding': 'gzip', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(answer.status).toBe(200);
}

async function sellAndWait(h: SyncHarness): Promise<string> {
  const product = h.ms.list('product').find((p) => !p.archived)!;
  const sale = h.ms.sellAtTill({ buyer: { name: 'Покупатель после переподключения', phone: '+79995550101' }, positions: [{ productId: String(product.id), quantity: 1 }] });
  const saleId = String(sale.retaildemand.id);
  await h.until('the sale in amoCRM', () => transactionsOf(h, saleId).length === 1);
  return saleId;
}

describe.each(DATABASE_KINDS)('real time heals itself on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a disconnect and a reconnect in the settings re-register the webhooks at the new URL, keep the import, and the status says what was verified', async () => {
    h = await startSyncHarness(kind);
    const harness = h;
    await harness.settle();
    const before = ourHooks(harness);
    expect(before).toHaveLength(18);
    const customersBefore = customers(harness).length;

    expect((await harness.widget('DELETE', '/api/widget/connection')).status).toBe(204);
    await harness.until('our webhooks removed after the disconnect', () => ourHooks(harness).length === 0);
    const reconnected = await harness.widget('POST', '/api/widget/connection', { body: { login: 'admin@demo', password: 'sandbox-password' } });
    expect(reconnected.status).toBe(200);

    await harness.until('webhooks registered again', () => ourHooks(harness).length === 18);
    await harness.queueIdle();
    const after = ourHooks(harness);
    // One URL, with the secret rotated by the reconnect; the old one is refused by our webhook route.
    expect(urls(after)).toHaveLength(1);
    expect(urls(after)[0]).not.toBe(urls(before)[0]);
    const old = await fetch(`${urls(before)[0]}?requestId=r-old`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ events: [] }) });
    expect(old.status).toBe(404);

    // The import state is kept: no second import, no buyer created twice.
    const imports = await harness.database.db.selectFrom('jobs').select('id').where('kind', '=', 'sync.initial_import').execute();
    expect(imports).toHaveLength(1);
    expect(customers(harness)).toHaveLength(customersBefore);

    // A till sale after the reconnect arrives by webhook; the status shows the check and the event.
    await sellAndWait(harness);
    const status = await harness.widget('GET', '/api/widget/sync');
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ mode: 'webhooks', realtime: { webhooks: { present: 18, expected: 18, restored: 0 }, polled: [] } });
    expect(Date.parse(status.json.realtime.checkedAt)).toBeGreaterThan(0);
    expect(Date.parse(status.json.realtime.lastEventAt)).toBeGreaterThanOrEqual(Date.parse(status.json.realtime.checkedAt));
  });

  it('a reinstall (the install hook) re-keys both webhook URLs and connect registers them in МойСклад and amoCRM', async () => {
    h = await startSyncHarness(kind);
    const harness = h;
    await harness.settle();
    const oldMoySklad = urls(ourHooks(harness));
    const amoHooks = () => harness.amo.store.webhooks(SUBDOMAIN) as { destination: string; settings: string[] }[];
    expect(amoHooks()).toEqual([expect.objectContaining({ destination: expect.stringContaining(`/webhooks/amocrm/${ACCOUNT_ID}/`), settings: ['update_customer'] })]);
    const oldAmo = amoHooks()[0]!.destination;

    // amoCRM calls our install hook (the harness's redirect URI is this proxy) with a fresh code.
    const { call } = await harness.amo.installWidget(SUBDOMAIN, { userId: 5000001 });
    expect(call.status).toBe(200);

    await harness.until('МойСклад webhooks at the new URL', () => ourHooks(harness).length === 18 && urls(ourHooks(harness))[0] !== oldMoySklad[0]);
    await harness.until('amoCRM webhook at the new URL only', () => amoHooks().length === 1 && amoHooks()[0]!.destination !== oldAmo);
    expect(urls(ourHooks(harness))).toHaveLength(1);
    expect(amoHooks()[0]!.settings).toEqual(['update_customer']);
    await harness.queueIdle();
    await sellAndWait(harness);
    const connects = await harness.database.db.selectFrom('operation_log').select('kind').where('kind', 'in', ['sync.connected', 'sync.reconnected']).orderBy('id').execute();
    expect(connects.map((row) => row.kind)).toEqual(['sync.connected', 'sync.reconnected']);
  });

  it('a reconciliation pass finds our webhooks deleted or disabled in МойСклад and restores them with one listing and one bulk write', async () => {
    h = await startSyncHarness(kind);
    const harness = h;
    await harness.settle();
    const hooks = ourHooks(harness);
    const sale = (action: string) => hooks.find((hook) => hook.entityType === 'retaildemand' && hook.action === action)!;
    // Someone cleans up webhooks in МойСклад: two of ours deleted, one disabled.
    await asMoySkladAdmin(harness, 'POST', '/entity/webhook/delete', [{ meta: sale('CREATE').meta }, { meta: sale('UPDATE').meta }]);
    await asMoySkladAdmin(harness, 'PUT', `/entity/webhook/${hooks.find((hook) => hook.entityType === 'counterparty' && hook.action === 'UPDATE')!.id}`, { enabled: false });
    expect(ourHooks(harness).filter((hook) => hook.enabled !== false)).toHaveLength(15);

    const mark = harness.ms.requestLog.length;
    await harness.proxy.context.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, ACCOUNT_ID));
    await harness.queueIdle();
    expect(ourHooks(harness).filter((hook) => hook.enabled !== false)).toHaveLength(18);
    expect(webhookRequests(harness, mark)).toEqual(['GET /entity/webhook', 'POST /entity/webhook']);

    const status = await harness.widget('GET', '/api/widget/sync');
    expect(status.json.realtime).toMatchObject({ webhooks: { present: 18, expected: 18, restored: 3 }, polled: [] });
    // A till sale is delivered by the restored webhook.
    await sellAndWait(harness);

    // The next pass finds everything in place: one listing, nothing written.
    const quiet = harness.ms.requestLog.length;
    await harness.proxy.context.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, ACCOUNT_ID));
    await harness.queueIdle();
    expect(webhookRequests(harness, quiet)).toEqual(['GET /entity/webhook']);
    expect((await harness.widget('GET', '/api/widget/sync')).json.realtime.webhooks).toEqual({ present: 18, expected: 18, restored: 0 });
  });
});
