// Helpers for this folder's tests: the emulator with a small seed, the till on its own port, a webhook receiver.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MoySkladEmulator } from '../moysklad/emulator.js';
import { generateSeed } from '../seed/generate.js';
import type { Seed } from '../seed/types.js';
import { createPosRouter } from './index.js';

const AUTH = `Basic ${Buffer.from('admin@demo:sandbox-password').toString('base64')}`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface TillFixture {
  emu: MoySkladEmulator;
  seed: Seed;
  /** e.g. http://127.0.0.1:PORT/pos */
  posUrl: string;
  /** МойСклад JSON API call as an API client would make it. */
  msApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  pos(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export async function startTill(seedOptions: Parameters<typeof generateSeed>[0] = {}): Promise<TillFixture> {
  const emu = new MoySkladEmulator({ timeScale: 100 });
  const { baseUrl } = await emu.listen(0);
  const seed = generateSeed({ seed: 5, buyers: 12, legalEntities: 2, entrepreneurs: 2, products: 12, sales: 10, baseUrl, ...seedOptions });
  emu.load(seed);
  const app = express();
  app.use('/pos', createPosRouter({ emulator: emu, cacheMs: 0 }));
  const server = createServer(app);
  const origin = await listen(server);

  const call = async (url: string, method: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    emu,
    seed,
    posUrl: `${origin}/pos`,
    msApi: (method, path, body) => call(baseUrl + path, method, body, { Authorization: AUTH, 'Accept-Encoding': 'gzip' }),
    pos: (method, path, body) => call(`${origin}/pos${path}`, method, body, {}),
    close: async () => {
      await closeServer(server);
      await emu.close();
    },
  };
}

/** Collects webhook POSTs on 127.0.0.1. */
export async function startWebhookReceiver() {
  const received: { url: string; body: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const app = express();
  app.post('/hook', express.json(), (req, res) => {
    received.push({ url: req.originalUrl, body: req.body });
    res.sendStatus(200);
  });
  const server = createServer(app);
  const origin = await listen(server);
  return { url: `${origin}/hook`, received, close: () => closeServer(server) };
}
