import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, expect, it } from 'vitest';
import { createExpressServer } from './express-server.js';

const servers: import('node:http').Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

it('hands express requests and responses that already have its prototypes, so its per-request swap changes nothing', async () => {
  const app = express();
  app.get('/echo/:name', (req, res) => {
    res.json({ name: req.params.name, query: req.query, ip: req.ip });
  });
  const server = createExpressServer(app);
  servers.push(server);
  const arrived: { request: unknown; response: unknown }[] = [];
  // Runs before express's own listener: what Node built, before app.handle touched it.
  server.prependListener('request', (req, res) => arrived.push({ request: Object.getPrototypeOf(req), response: Object.getPrototypeOf(res) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const answer = await fetch(`http://127.0.0.1:${port}/echo/anna?x=1`);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ name: 'anna', query: { x: '1' }, ip: '127.0.0.1' });
  expect(arrived).toEqual([{ request: app.request, response: app.response }]);
});
