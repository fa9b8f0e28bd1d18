import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, closeStarted, type Receiver, startApi, startReceiver, type TestApi } from './test-support.js';
import { WEBHOOK_USER_AGENT } from './webhook-dispatcher.js';

let api: TestApi;
let receiver: Receiver;
afterEach(closeStarted);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('webhook management', () => {
  it('creates a webhook with the documented response and enforces the rules', async () => {
    api = await startApi({ rateLimits: { requestsPerWindow: 100 } });
    const hook = { url: 'https://sync.example.com/ms/hook/secret', action: 'UPDATE', entityType: 'counterparty', diffType: 'FIELDS' };
    const created = await api.call('POST', '/entity/webhook', hook);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ...hook, method: 'POST', enabled: true, accountId: api.emu.accountId });
    expect(created.body.meta.href).toBe(`${api.baseUrl}/entity/webhook/${created.body.id}`);

    const dup = await api.call('POST', '/entity/webhook', hook);
    expect(dup.body.errors[0].code).toBe(30003);
    const long = await api.call('POST', '/entity/webhook', { ...hook, url: `https://x.example/${'a'.repeat(250)}` });
    expect(long.body.errors[0].code).toBe(30010);
    const diffOnCreate = await api.call('POST', '/entity/webhook', { ...hook, action: 'CREATE' });
    expect(diffOnCreate.body.errors[0].code).toBe(30009);
    for (let i = 0; i < 4; i++) await api.call('POST', '/entity/webhook', { ...hook, url: `${hook.url}${i}` });
    const sixth = await api.call('POST', '/entity/webhook', { ...hook, url: `${hook.url}-6` });
    expect(sixth.body.errors[0].code).toBe(30007);

    const listed = await api.call('GET', `/entity/webhook?filter=${encodeURIComponent(`url=${hook.url}`)}`);
    expect(listed.body.rows.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
    const disabled = await api.call('PUT', `/entity/webhook/${created.body.id}`, { enabled: false });
    expect(disabled.body.enabled).toBe(false);
    expect((await api.call('DELETE', `/entity/webhook/${created.body.id}`)).status).toBe(200);
  });

  it('counts another integration\'s webhooks towards the 5 per (entityType, action): the sixth is 30007', async () => {
    api = await startApi({ rateLimits: { requestsPerWindow: 100 } });
    const plugin = api.emu.addForeignWebhooks([1, 2, 3, 4].map((i) => ({ url: `https://shop-plugin.example/ms/${i}`, entityType: 'retaildemand', action: 'CREATE' as const })));
    expect(plugin.map((w) => w.url)).toEqual([1, 2, 3, 4].map((i) => `https://shop-plugin.example/ms/${i}`));
    expect(plugin[0]!.meta).toMatchObject({ href: `${api.baseUrl}/entity/webhook/${plugin[0]!.id}`, type: 'webhook' });
    const ours = { url: 'https://sync.example.com/ms/hook', entityType: 'retaildemand', action: 'CREATE' };
    expect((await api.call('POST', '/entity/webhook', ours)).status).toBe(200); // the fifth
    const sixth = await api.call('POST', '/entity/webhook', { ...ours, url: 'https://sync.example.com/ms/other' });
    expect(sixth.status).toBe(412);
    expect(sixth.body.errors[0]).toMatchObject({ code: 30007, error: "Нельзя создать больше '5' веб-хуков одинакового типа на одну сущность" });
    // Another (entityType, action) still has room; the account's list shows every integration's webhooks.
    expect((await api.call('POST', '/entity/webhook', { ...ours, action: 'UPDATE' })).status).toBe(200);
    expect((await api.call('GET', '/entity/webhook')).body.meta.size).toBe(6);
    expect(() => api.emu.addForeignWebhooks([{ url: 'https://shop-plugin.example/ms/5', entityType: 'retaildemand', action: 'CREATE' }])).toThrow(/5/);
  });

  it('allows webhooks only to administrators (30004) and on a paid tariff (30006)', async () => {
    api = await startApi({ users: [{ login: 'clerk@demo', password: 'p', isAdmin: false }] }, basic('clerk@demo', 'p'));
    const hook = { url: 'https://x.example/h', action: 'CREATE', entityType: 'product' };
    expect((await api.call('POST', '/entity/webhook', hook)).body.errors[0].code).toBe(30004);
    await api.close();
    api = await startApi({ tariff: { webhooks: false } });
    expect((await api.call('POST', '/entity/webhook', hook)).body.errors[0].code).toBe(30006);
  });
});

describe('webhook delivery', () => {
  it('POSTs the documented payload to url?requestId=… with the МойСклад User-Agent', async () => {
    receiver = await startReceiver();
    api = await startApi();
    await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/hook/s3cret`, action: 'CREATE', entityType: 'counterparty' });
    await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/hook/s3cret`, action: 'UPDATE', entityType: 'counterparty', diffType: 'FIELDS' });
    const { body: c } = await api.call('POST', '/entity/counterparty', { name: 'Петров' });
    await api.call('PUT', `/entity/counterparty/${c.id}`, { name: 'Петров П.', description: 'VIP' });
    await api.emu.webhooksSettled();

    expect(receiver.received).toHaveLength(2);
    const [create, update] = receiver.received;
    const url = new URL(create!.url, receiver.origin);
    expect(url.pathname).toBe('/hook/s3cret');
    expect(url.searchParams.get('requestId')).toMatch(UUID);
    expect(create!.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    expect(create!.headers['content-type']).toMatch(/application\/json/);
    expect(create!.body).toEqual({
      auditContext: {
        meta: { type: 'audit', href: expect.stringMatching(new RegExp(`^${api.baseUrl}/audit/[0-9a-f-]{36}$`)) },
        moment: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        uid: 'admin@demo',
      },
      events: [{ meta: { type: 'counterparty', href: c.meta.href }, action: 'CREATE', accountId: api.emu.accountId }],
    });
    expect(update!.body.events[0]).toMatchObject({ action: 'UPDATE', updatedFields: ['name', 'description'] });

    // The audit context named in the payload lists the change with its diff.
    const events = await api.call('GET', `${update!.body.auditContext.meta.href}/events`);
    expect(events.body.rows[0]).toMatchObject({ eventType: 'update', entityType: 'counterparty', source: 'jsonapi', diff: { name: { oldValue: 'Петров', newValue: 'Петров П.' } } });
  });

  it('retries 3 times immediately with the same requestId, then drops the notification', async () => {
    receiver = await startReceiver((_hook, res) => res.writeHead(500).end());
    api = await startApi();
    await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/h`, action: 'CREATE', entityType: 'product' });
    await api.call('POST', '/entity/product', { name: 'Товар' });
    await api.emu.webhooksSettled();
    expect(receiver.received).toHaveLength(4);
    const ids = new Set(receiver.received.map((h) => new URL(h.url, receiver!.origin).searchParams.get('requestId')));
    expect(ids.size).toBe(1);
    expect(api.emu.webhookLog.map((e) => [e.attempt, e.outcome, e.status])).toEqual([
      [1, 'failed', 500], [2, 'failed', 500], [3, 'failed', 500], [4, 'failed', 500],
    ]);
  });

  it('counts a slow answer as failed after webhookTimeoutMs, and stops retrying after a 204', async () => {
    let calls = 0;
    receiver = await startReceiver((_hook, res) => {
      calls++;
      if (calls === 1) setTimeout(() => res.writeHead(200).end(), 300);
      else res.writeHead(204).end();
    });
    api = await startApi({ webhookTimeoutMs: 80 });
    await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/h`, action: 'CREATE', entityType: 'productfolder' });
    await api.call('POST', '/entity/productfolder', { name: 'Группа' });
    await api.emu.webhooksSettled();
    expect(api.emu.webhookLog.map((e) => e.outcome)).toEqual(['failed', 'delivered']);
    expect(api.emu.webhookLog[0]!.error).toMatch(/timeout/);
  });

  it('honours X-Lognex-WebHook-DisableByPrefix (repeatable) for changes of that request only', async () => {
    receiver = await startReceiver();
    api = await startApi();
    for (const path of ['/ours/1', '/theirs/1', '/also-ours/1'])
      await api.call('POST', '/entity/webhook', { url: `${receiver.origin}${path}`, action: 'CREATE', entityType: 'counterparty' });
    // node:http sends an array value as repeated header lines (fetch would join them with a comma).
    await new Promise<void>((resolve, reject) => {
      const req = request(`${api.baseUrl}/entity/counterparty`, {
        method: 'POST',
        headers: {
          Authorization: basic(),
          'Accept-Encoding': 'gzip',
          'Content-Type': 'application/json',
          'X-Lognex-WebHook-DisableByPrefix': [`${receiver!.origin}/ours`, `${receiver!.origin}/also-ours`],
        },
      }, (res) => res.resume().on('end', resolve));
      req.on('error', reject).end(JSON.stringify({ name: 'Эхо' }));
    });
    await api.emu.webhooksSettled();
    expect(receiver.received.map((h) => new URL(h.url, receiver!.origin).pathname)).toEqual(['/theirs/1']);
    expect(api.emu.requestLog.at(-1)).toMatchObject({
      method: 'POST', path: '/entity/counterparty', status: 200, user: 'admin@demo',
      disabledWebhookPrefixes: [`${receiver.origin}/ours`, `${receiver.origin}/also-ours`],
    });

    await api.call('POST', '/entity/counterparty', { name: 'Без заголовка' });
    await api.emu.webhooksSettled();
    expect(receiver.received).toHaveLength(4);

    // Like the real service, one header holding two comma-separated prefixes disables nothing.
    await api.call('POST', '/entity/counterparty', { name: 'Запятая' }, {
      'X-Lognex-WebHook-DisableByPrefix': `${receiver.origin}/ours, ${receiver.origin}/also-ours`,
    });
    await api.emu.webhooksSettled();
    expect(receiver.received).toHaveLength(7);
  });
});

describe('fault injection', () => {
  it('drops, duplicates and reorders notifications reproducibly from the seed', async () => {
    receiver = await startReceiver();
    api = await startApi({ seed: 42, rateLimits: { requestsPerWindow: 1000 } });
    await api.call('POST', '/entity/webhook', { url: `${receiver.origin}/h`, action: 'CREATE', entityType: 'product' });
    api.emu.faults.dropWebhookRatio = 1;
    await api.call('POST', '/entity/product', { name: 'lost' });
    await api.emu.webhooksSettled();
    expect(receiver.received).toHaveLength(0);
    expect(api.emu.webhookLog.at(-1)!.outcome).toBe('dropped');

    api.emu.faults = { duplicateWebhookRatio: 1 };
    await api.call('POST', '/entity/product', { name: 'twice' });
    await api.emu.webhooksSettled();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.url).toBe(receiver.received[1]!.url); // same requestId

    api.emu.faults = { reorderWebhooks: true, reorderWindowMs: 200 };
    for (let i = 0; i < 8; i++) await api.call('POST', '/entity/product', { name: `p${i}` });
    await api.emu.webhooksSettled();
    const hrefs = receiver.received.slice(2).map((h) => h.body.events[0].meta.href);
    const created = api.emu.list('product').slice(2).map((p) => (p.meta as { href: string }).href);
    expect(new Set(hrefs)).toEqual(new Set(created));
    expect(hrefs).not.toEqual(created);
  });
});
