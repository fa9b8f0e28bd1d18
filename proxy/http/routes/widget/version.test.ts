import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness } from './test-harness.js';

// As if package.json had been bumped: the widget API must take the version from proxy/version.ts, not keep its own.
vi.mock('../../../version.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../version.js')>();
  return { ...actual, PROXY_VERSION: '9.8.7', userAgent: (publicUrl?: string) => `${actual.PRODUCT}/9.8.7${publicUrl ? ` (+${publicUrl})` : ''}` };
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness('sqlite');
});
afterAll(async () => h?.close());

it('/openapi.json and the МойСклад User-Agent of widget calls carry the version proxy/version.ts gives', async () => {
  const doc = (await (await fetch(`${h.base}/openapi.json`)).json()) as { info: { version: string } };
  expect(doc.info.version).toBe('9.8.7');

  const connected = await h.call('POST', '/api/widget/connection', { claims: { accountId: 4343, isAdmin: true, userId: 1 }, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
  expect(connected.status).toBe(200);
  const agents = new Set(h.emulator.requestLog.map((entry) => entry.userAgent));
  expect([...agents]).toEqual(['moysklad-amocrm/9.8.7 (+https://proxy.example.test)']);
});
