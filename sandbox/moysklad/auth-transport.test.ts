import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, closeStarted, startApi, type TestApi } from './test-support.js';

let api: TestApi;
afterEach(closeStarted);

/** Raw request, so that we control Accept-Encoding (fetch always adds gzip) and see the bytes. */
function raw(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('transport', () => {
  it('records each request\'s User-Agent (and status, user) in the request log, a refused one too', async () => {
    api = await startApi();
    await api.call('GET', '/context/employee', undefined, { 'User-Agent': 'moysklad-amocrm/1.2.3 (+https://proxy.example)' });
    await api.call('GET', '/entity/product?filter=productFolder=x', undefined, { 'User-Agent': 'moysklad-amocrm/1.2.3 (+https://proxy.example)' });
    await raw(`${api.baseUrl}/context/employee`, { Authorization: basic() }); // no gzip: 415, no User-Agent sent
    expect(api.emu.requestLog.map((e) => [e.path, e.status, e.userAgent ?? null])).toEqual([
      ['/context/employee', 200, 'moysklad-amocrm/1.2.3 (+https://proxy.example)'],
      ['/entity/product', 412, 'moysklad-amocrm/1.2.3 (+https://proxy.example)'],
      ['/context/employee', 415, null],
    ]);
  });

  it('answers 415 with an empty body without Accept-Encoding: gzip', async () => {
    api = await startApi();
    const res = await raw(`${api.baseUrl}/context/employee`, { Authorization: basic() });
    expect(res.status).toBe(415);
    expect(res.body.length).toBe(0);
    const deflateOnly = await raw(`${api.baseUrl}/context/employee`, { Authorization: basic(), 'Accept-Encoding': 'deflate' });
    expect(deflateOnly.status).toBe(415);
  });

  it('really gzip-compresses JSON responses', async () => {
    api = await startApi();
    const res = await raw(`${api.baseUrl}/context/employee`, { Authorization: basic(), 'Accept-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    const employee = JSON.parse(gunzipSync(res.body).toString('utf8'));
    expect(employee.uid).toBe('admin@demo');
    expect(employee.meta.href).toBe(`${api.baseUrl}/context/employee`);
  });

  it('refuses an Accept header that cannot mean JSON (1062) and allows the usual ones', async () => {
    api = await startApi();
    const html = await api.call('GET', '/context/employee', undefined, { Accept: 'text/html' });
    expect(html.body.errors[0].code).toBe(1062);
    for (const accept of ['application/json;charset=utf-8', 'application/json, text/plain, */*'])
      expect((await api.call('GET', '/context/employee', undefined, { Accept: accept })).status).toBe(200);
  });

  it('rejects a body that is not JSON with 2001', async () => {
    api = await startApi();
    const res = await fetch(`${api.baseUrl}/entity/counterparty`, {
      method: 'POST',
      headers: { Authorization: basic(), 'Accept-Encoding': 'gzip', 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].code).toBe(2001);
  });
});

describe('authentication', () => {
  it('401/1056 on a wrong password', async () => {
    api = await startApi({}, basic('admin@demo', 'wrong'));
    const res = await api.call('GET', '/context/employee');
    expect(res.status).toBe(401);
    expect(res.body.errors[0].code).toBe(1056);
    expect(res.body.errors[0].error).toMatch(/Ошибка аутентификации/);
  });

  it('issues a token for Basic and revokes the earlier token on the next issue', async () => {
    api = await startApi();
    const first = await api.call('POST', '/security/token');
    expect(first.status).toBe(200);
    expect(first.body.access_token).toMatch(/^[0-9a-f]{40}$/);
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    expect((await api.call('GET', '/context/employee', undefined, bearer(first.body.access_token))).status).toBe(200);

    const second = await api.call('POST', '/security/token');
    const revoked = await api.call('GET', '/context/employee', undefined, bearer(first.body.access_token));
    expect(revoked.status).toBe(401);
    expect(revoked.body.errors[0].code).toBe(1056);
    expect((await api.call('GET', '/context/employee', undefined, bearer(second.body.access_token))).status).toBe(200);
  });

  it('does not mint a token from a Bearer token', async () => {
    api = await startApi();
    const { body } = await api.call('POST', '/security/token');
    const res = await api.call('POST', '/security/token', undefined, { Authorization: `Bearer ${body.access_token}` });
    expect(res.status).toBe(401);
  });
});
