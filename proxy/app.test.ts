import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type RouteRegistrar, createApp } from './app.js';
import { migrateToLatest } from './db/migrate.js';
import { HttpError } from './http/errors.js';
import { createLogger } from './logger.js';
import { createTestDatabase, describeEachDatabase, useTestDatabase, type TestDatabase } from './test-support/databases.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

async function serve(app: Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const testRoutes: RouteRegistrar = (app) => {
  app.get('/boom', async () => {
    throw new Error('connection string postgres://admin:hunter2@db/internal');
  });
  app.get('/teapot', () => {
    throw new HttpError(422, 'moysklad_auth_failed', 'Unprocessable Content', 'Wrong login or password');
  });
  app.post('/echo', (req, res) => {
    res.json({ received: req.body });
  });
};

describeEachDatabase('createApp', (kind) => {
  const database = useTestDatabase(kind, { migrate: false });

  it('/healthz answers while /readyz waits for migrations, then reports ready', async () => {
    const { logger } = captureLogs();
    const base = await serve(createApp({ logger, database: database() }));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'migrations_pending' });

    await migrateToLatest(database().db, database().dialect);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: kind });
  });
});

describe('createApp over HTTP', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.dispose());

  async function start() {
    database = await createTestDatabase('sqlite');
    const logs = captureLogs();
    const base = await serve(createApp({ logger: logs.logger, database, routes: [testRoutes] }));
    return { base, logs };
  }

  it('/readyz reports 503 when the database is gone, while /healthz stays up', async () => {
    const { base } = await start();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await database!.db.destroy();
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'database_unavailable' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: 'not_found', title: 'Not Found' });
  });

  it('hides the message and stack of a 5xx but logs them with the request id', async () => {
    const { base, logs } = await start();
    const response = await fetch(`${base}/boom`, { headers: { 'X-Request-Id': 'req-123' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('req-123');
    const text = await response.text();
    expect(text).not.toMatch(/hunter2|postgres:|at .*\.ts/);
    expect(JSON.parse(text)).toEqual({
      type: expect.stringContaining('internal_error'),
      title: 'Internal Server Error',
      status: 500,
      code: 'internal_error',
      detail: expect.stringContaining('req-123'),
    });
    const errorLine = logs.lines.map((l) => JSON.parse(l) as { req?: { id?: string }; err?: { message?: string } }).find((l) => l.err);
    expect(errorLine).toMatchObject({ req: { id: 'req-123' }, err: { message: expect.stringContaining('connection string') } });
  });

  it('passes a 4xx HttpError through as problem+json', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/teapot`);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'moysklad_auth_failed', detail: 'Wrong login or password' });
  });

  it('parses JSON and form bodies, and rejects malformed JSON with 400', async () => {
    const { base } = await start();
    const json = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await json.json()).toEqual({ received: { a: 1 } });
    const form = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'leads[add][0][id]=5' });
    expect(await form.json()).toEqual({ received: { leads: { add: [{ id: '5' }] } } });
    const malformed = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'malformed_body' });
  });

  it('never writes credentials from request headers to the log', async () => {
    const { base, logs } = await start();
    await fetch(`${base}/nope`, { headers: { Authorization: 'Bearer amo-secret-token', 'X-Auth-Token': 'jwt-secret-value', Cookie: 'session=cookie-secret' } });
    const output = logs.lines.join('');
    expect(output).toContain('"url":"/nope"');
    expect(output).not.toMatch(/amo-secret-token|jwt-secret-value|cookie-secret/);
    expect(output).toContain('[redacted]');
  });

  it('never logs the install code or a webhook secret from the URL', async () => {
    const { base, logs } = await start();
    await fetch(`${base}/amocrm/install?code=def50200-one-time-code&referer=demo.amocrm.ru`);
    await fetch(`${base}/webhooks/moysklad/31000001/per-account-webhook-secret?requestId=r1`, { method: 'POST' });
    const output = logs.lines.join('');
    expect(output).toContain('/amocrm/install?code=%5Bredacted%5D&referer=demo.amocrm.ru');
    expect(output).toContain('/webhooks/moysklad/31000001/[redacted]?requestId=r1');
    expect(output).not.toMatch(/def50200-one-time-code|per-account-webhook-secret/);
  });
});
