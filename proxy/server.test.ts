import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { defineJobHandler } from './queue/worker.js';
import { startProxy } from './server.js';
import { createTestDatabase } from './test-support/databases.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function testConfig(databaseUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-server-test-'));
  dirs.push(dir);
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1',
    DATABASE_URL: databaseUrl ?? `file:${join(dir, 'proxy.sqlite')}`,
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    AMOCRM_CLIENT_ID: 'id',
    AMOCRM_CLIENT_SECRET: 'secret',
    AMOCRM_REDIRECT_URI: 'http://127.0.0.1/oauth',
    WORKER_CONCURRENCY: '2',
  });
}

it('boots with migrations, serves module routes, runs jobs, and on close drains the running job before stopping', async () => {
  const events: string[] = [];
  const proxy = await startProxy(
    testConfig(),
    () => ({
      routes: [(app) => app.get('/hello', (_req, res) => void res.json({ hello: 'world' }))],
      jobHandlers: {
        slow: defineJobHandler(z.object({ n: z.number() }), async ({ n }) => {
          events.push(`start ${n}`);
          await sleep(150);
          events.push(`end ${n}`);
        }),
      },
    }),
    { logger: createLogger({ level: 'silent' }), workerPollIntervalMs: 20 },
  );

  expect(await (await fetch(`${proxy.url}/healthz`)).json()).toEqual({ status: 'ok' });
  expect((await fetch(`${proxy.url}/readyz`)).status).toBe(200);
  expect(await (await fetch(`${proxy.url}/hello`)).json()).toEqual({ hello: 'world' });

  const { queue } = proxy.context;
  const { id } = await queue.enqueue({ kind: 'slow', payload: { n: 1 } });
  await vi.waitFor(() => expect(events).toContain('start 1'), { timeout: 10_000, interval: 5 });
  await proxy.close();

  expect(events).toEqual(['start 1', 'end 1']);
  await expect(fetch(`${proxy.url}/healthz`)).rejects.toThrow();
  await expect(queue.get(id)).rejects.toThrow(); // database closed last
});

it('boots on PostgreSQL from a DATABASE_URL with a schema, migrating it first', async () => {
  const scratch = await createTestDatabase('postgres', { migrate: false });
  try {
    const proxy = await startProxy(testConfig(scratch.url), () => ({}), { logger: createLogger({ level: 'silent' }) });
    try {
      expect(await (await fetch(`${proxy.url}/readyz`)).json()).toEqual({ status: 'ready', database: 'postgres' });
    } finally {
      await proxy.close();
    }
    const tables = await scratch.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toContain('jobs');
  } finally {
    await scratch.dispose();
  }
});
