import { afterEach, describe, expect, it } from 'vitest';
// Tests only: the client itself never imports the sandbox.
import { AmoCrmEmulator } from '../../sandbox/amocrm/emulator.js';
import { AmoAccountLimiter } from './account-limiter.js';
import { AmoClient } from './client.js';
import { createAmoHttp } from './http.js';
import { AmoBlockedError, AmoError } from './errors.js';
import { accountBaseUrl, exchangeCode } from './oauth.js';
import { collect } from './paginate.js';
import { formatAmoRateReport, measureAmoRate } from './rate-report.js';
import { InMemoryTokenStore } from './token-store.js';

const credentials = { clientId: 'proxy-client', clientSecret: 'proxy-secret-not-logged', redirectUri: 'https://proxy.example.com/amo/oauth' };
const TIME_SCALE = 0.5; // the emulator's 1 s window becomes 500 ms (smaller windows drown in event-loop jitter: client and emulator share one process); our limiter is scaled the same way
let emu: AmoCrmEmulator | null = null;

afterEach(async () => {
  await emu?.close();
  emu = null;
});

/**
 * Client and emulator share one (often overloaded) event loop, so the emulator's arrival stamps carry scheduling
 * jitter the client cannot control. The exact claim is therefore checked on the client's own send times; the
 * emulator's 429 count gets a small jitter allowance.
 */
const JITTER_429_ALLOWANCE = 2;

function maxInAnyWindow(stamps: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < stamps.length; i += 1) {
    while (stamps[i]! - stamps[j]! >= windowMs) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function installedClient(options: { timeScale?: number; limiterTimeScale?: number; blockAfterViolations?: number } = {}) {
  const timeScale = options.timeScale ?? TIME_SCALE;
  emu = new AmoCrmEmulator({ integration: credentials, timeScale, rateLimit: { perSecond: 7, blockAfterViolations: options.blockAfterViolations ?? 10 } });
  const { origin } = await emu.listen(0);
  const template = `${origin}/a/{subdomain}`;
  const tokenStore = new InMemoryTokenStore();
  const sendTimes: number[] = [];
  const http = createAmoHttp();
  http.interceptors.request.use((config) => {
    if (config.url?.includes('/api/v4/')) sendTimes.push(performance.now());
    return config;
  });
  const tokens = await exchangeCode(emu.issueAuthorizationCode('demo'), { baseUrl: accountBaseUrl(template, 'demo'), credentials });
  await tokenStore.save('31000001', tokens);
  const client = new AmoClient({
    accountId: '31000001',
    subdomain: 'demo',
    baseUrlTemplate: template,
    credentials,
    tokenStore,
    http,
    limiter: new AmoAccountLimiter({ timeScale: options.limiterTimeScale ?? timeScale }),
    retry: { minBackoffMs: 100 * timeScale, maxBackoffMs: 1000 * timeScale },
  });
  return { emu, client, tokenStore, sendTimes };
}

describe('amoCRM client against the sandbox emulator', () => {
  // In real time: the pacing margin (5%) is an allowance for arrival jitter in real milliseconds, so compressing time
  // would test a tolerance production never has.
  it('100 calls in a burst leave at most 7 per second and the emulator accepts no more than 7 in any second', async () => {
    const { emu, client, sendTimes } = await installedClient({ timeScale: 1 });
    emu.resetStats('demo');
    const report = await measureAmoRate(client, 100);
    expect(sendTimes).toHaveLength(100 + emu.stats('demo').rejected429); // every 429 was retried once
    expect(maxInAnyWindow(sendTimes, 1000)).toBeLessThanOrEqual(7);
    expect(emu.stats('demo').rejected429).toBeLessThanOrEqual(JITTER_429_ALLOWANCE);
    expect(emu.maxAcceptedInAnyWindow('demo')).toBeLessThanOrEqual(7);
    expect(report.utilization).toBeGreaterThan(0.5);
    expect(report.utilization).toBeLessThanOrEqual(1.05);
    console.info(formatAmoRateReport('amoCRM emulator', report));
  });

  it('rotates tokens against the real token endpoint when the access token is about to expire', async () => {
    const { client, tokenStore } = await installedClient();
    const before = (await tokenStore.load('31000001'))!;
    await tokenStore.save('31000001', { ...before, expiresAt: Date.now() + 5_000 });
    await client.account.get();
    const after = (await tokenStore.load('31000001'))!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    await expect(client.account.get()).resolves.toMatchObject({ subdomain: 'demo' });
  });

  it('a 403 for missing rights (problem+json) fails that call only; it does not block the account', async () => {
    const { emu: emulator } = await installedClient();
    // A manager's token on an admin-only endpoint: amoCRM refuses with 403 problem+json, not its nginx block page.
    const origin = new URL(emulator.accountBaseUrl('demo')).origin;
    const managerTokens = await exchangeCode(emulator.issueAuthorizationCode('demo', 5000002), { baseUrl: emulator.accountBaseUrl('demo'), credentials });
    const store = new InMemoryTokenStore();
    await store.save('31000001', managerTokens);
    const manager = new AmoClient({ accountId: '31000001', subdomain: 'demo', baseUrlTemplate: `${origin}/a/{subdomain}`, credentials, tokenStore: store, limiter: new AmoAccountLimiter({ timeScale: TIME_SCALE }) });
    const refused = await manager.customers.setMode('segments', true).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AmoError);
    expect(refused).not.toBeInstanceOf(AmoBlockedError);
    expect((refused as AmoError).status).toBe(403);
    await expect(manager.account.get()).resolves.toMatchObject({ id: 31000001 });
  });

  it('reads an account user by id (the name notes and МойСклад descriptions use); an unknown id is null', async () => {
    const { client } = await installedClient();
    await expect(client.users.get(5000002)).resolves.toMatchObject({ id: 5000002, name: expect.any(String) });
    await expect(client.users.get(5000001)).resolves.toMatchObject({ name: 'Анна Админова' });
    await expect(client.users.get(999)).resolves.toBeNull();
    expect(() => client.users.get(0)).toThrow(RangeError);
  });

  it('once amoCRM blocks the account (403), no further call reaches it', async () => {
    // A limiter running 100× too fast provokes the 429 that this strict emulator turns into a block.
    const { emu, client } = await installedClient({ limiterTimeScale: TIME_SCALE / 100, blockAfterViolations: 1 });
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      outcomes.push(await client.account.get().then(() => 'ok', (error: unknown) => (error instanceof AmoBlockedError ? 'blocked' : String(error))));
    }
    expect(outcomes).toContain('blocked');
    expect(outcomes.slice(outcomes.indexOf('blocked'))).toEqual(Array(40 - outcomes.indexOf('blocked')).fill('blocked'));
    const stats = emu.stats('demo');
    expect(stats.rejected403).toBe(1); // the one answer that tripped the breaker; the rest never left the process
    expect(stats.blocked).toBe(true);
  });

  it('runs the whole sync surface against a live emulator', async () => {
    const { emu, client } = await installedClient();
    await client.customers.setMode('segments');
    expect((await client.account.get()).customers_mode).toBe('segments');
    const specs = [{ name: 'Бонусная карта', type: 'text' as const, code: 'BONUS_CARD' }, { name: 'Бонусные баллы', type: 'numeric' as const, code: 'BONUS_POINTS' }];
    const fieldIds = await client.customers.ensureCustomFields(specs);
    expect(await client.customers.ensureCustomFields(specs)).toEqual(fieldIds);

    const contact = await client.contacts.createBatch([{ first_name: 'Иван', last_name: 'Иванов', custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+79121234567', enum_code: 'MOB' }] }], request_id: 'ms-c1' }]);
    const customer = await client.customers.createBatch([{ name: 'Иван Иванов', custom_fields_values: [{ field_code: 'BONUS_POINTS', values: [{ value: '534' }] }], request_id: 'ms-c1' }]);
    const customerId = customer.done[0]!.result.id;
    await client.customers.link(customerId, [{ to_entity_id: contact.done[0]!.result.id, to_entity_type: 'contacts', metadata: { is_main: true } }]);
    expect((await client.customers.get(customerId, { withContacts: true }))?._embedded?.contacts?.[0]?.id).toBe(contact.done[0]!.result.id);
    expect((await client.contacts.findByPhoneOrEmail('89121234567')).map((c) => c.id)).toEqual([contact.done[0]!.result.id]);

    const catalog = (await client.catalogs.findProductsCatalog())!;
    const fields = await client.catalogs.fieldsByCode(catalog.id);
    const groupId = fields.get('GROUP')!.id;
    await client.catalogs.writeCategoryTree(catalog.id, groupId, [
      { value: 'Фото', request_id: 'g0', parent_id: null },
      { value: 'Камеры', request_id: 'g1', parent_request_id: 'g0' },
    ]);
    const tree = (await client.catalogs.getField(catalog.id, groupId)).nested ?? [];
    const photo = tree.find((node) => node.value === 'Фото' && (node.parent_id ?? null) === null)!;
    const leaf = tree.find((node) => node.value === 'Камеры' && node.parent_id === photo.id)!.id;
    const element = await client.catalogs.createElements(catalog.id, [{ name: 'Камера', custom_fields_values: [{ field_code: 'PRICE', values: [{ value: 7990 }] }, { field_code: 'GROUP', values: [{ enum_id: leaf }] }, { field_code: 'EXTERNAL_ID', values: [{ value: 'ms-product-1' }] }], request_id: 'ms-p1' }]);
    const elementId = element.done[0]!.result.id;

    const tx = await client.customers.createTransactions(customerId, [{ price: 7990, comment: 'Розничная продажа №00001', _embedded: { catalog_elements: [{ id: elementId, metadata: { catalog_id: catalog.id, quantity: 1 } }] }, request_id: 'rd-1' }]);
    await client.customers.addNotes(customerId, [{ note_type: 'extended_service_message', params: { service: 'МойСклад', text: 'Покупка на 7 990 ₽' }, request_id: 'rd-1' }]);
    await client.customers.deleteTransaction(tx.done[0]!.result.id);

    await client.catalogs.deleteElements(catalog.id, [elementId]);
    expect((await collect(client.catalogs.iterateElements(catalog.id))).map((e) => e.id)).not.toContain(elementId);
    await client.account.subscribeWebhook('https://proxy.example.com/hooks/amo/s3cret', ['add_customer', 'update_customer']);
    await client.account.unsubscribeWebhook('https://proxy.example.com/hooks/amo/s3cret');
    expect(emu.stats('demo').rejected429).toBeLessThanOrEqual(JITTER_429_ALLOWANCE);
  });
});
