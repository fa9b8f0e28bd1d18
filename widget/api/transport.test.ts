import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createFakeSelf } from '../test-support/fake-self.js';
import { PROXY_URL } from '../test-support/fixtures.js';
import { fakeProxy } from '../test-support/handlers.js';
import { server } from '../test-support/server.js';
import { createWidgetApi } from './client.js';
import { WidgetApiError } from './errors.js';
import { createTransport } from './transport.js';

const api = (lang: 'ru' | 'en' = 'ru') => createWidgetApi(createTransport(createFakeSelf({ lang }), PROXY_URL, lang));

describe('widget API transport', () => {
  it('maps problem+json to a WidgetApiError with the code and the localised detail', async () => {
    const error = await api('en').connect({ login: 'x', password: 'y' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WidgetApiError);
    expect(error).toMatchObject({ code: 'moysklad_auth_failed', status: 422, detail: 'MoySklad: wrong login or password' });
  });

  it('reports a missing answer as network_error and an unreadable one as unexpected_response', async () => {
    server.use(http.get(`${PROXY_URL}/api/widget/status`, () => HttpResponse.error(), { once: true }));
    await expect(api().getStatus()).rejects.toMatchObject({ code: 'network_error', status: 0 });
    server.use(http.get(`${PROXY_URL}/api/widget/status`, () => new HttpResponse('<html>', { status: 200 }), { once: true }));
    await expect(api().getStatus()).rejects.toMatchObject({ code: 'unexpected_response' });
    server.use(http.get(`${PROXY_URL}/api/widget/status`, () => new HttpResponse('Bad gateway', { status: 502 }), { once: true }));
    await expect(api().getStatus()).rejects.toMatchObject({ code: 'http_502', detail: null });
  });

  it('sends JSON bodies, the Idempotency-Key and Accept-Language; empty 202/204 answers resolve', async () => {
    const self = createFakeSelf();
    const client = createWidgetApi(createTransport(self, PROXY_URL, 'ru'));
    await client.changeBonus(42, { operation: 'accrue', amount: 3 }, 'key-1');
    expect(self.ajaxCalls[0]).toMatchObject({
      url: `${PROXY_URL}/api/widget/customers/42/bonus`,
      method: 'POST',
      data: '{"operation":"accrue","amount":3}',
      contentType: 'application/json',
      headers: { 'Idempotency-Key': 'key-1', 'Accept-Language': 'ru' },
    });
    expect(fakeProxy.bonusCalls[0]?.key).toBe('key-1');
    await expect(client.retryJob('job-1')).resolves.toBeUndefined();
    await expect(client.disconnect()).resolves.toBeUndefined();
    const page = await client.getPurchases(42, 'cursor-2', 5);
    expect(page.items.map((item) => item.id)).toEqual(['p-3']);
    expect(self.ajaxCalls.at(-1)?.url).toBe(`${PROXY_URL}/api/widget/customers/42/purchases?cursor=cursor-2&limit=5`);
  });
});
