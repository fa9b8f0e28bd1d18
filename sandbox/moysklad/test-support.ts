// Helpers for this folder's tests: a started emulator, a small API client and a webhook receiver.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MoySkladEmulator, type MoySkladEmulatorOptions } from './emulator.js';

const ADMIN = { login: 'admin@demo', password: 'sandbox-password' };

/** What `startApi` / `startReceiver` opened and `closeStarted` has not closed yet. */
const started = { apis: new Set<TestApi>(), receivers: new Set<Receiver>() };

/**
 * For `afterEach(closeStarted)`: waits for each started emulator's webhooks to be delivered, closes it,
 * then closes the started receivers. Anything is closed once, whichever test started it.
 */
export async function closeStarted(): Promise<void> {
  const apis = [...started.apis];
  const receivers = [...started.receivers];
  started.apis.clear();
  started.receivers.clear();
  for (const api of apis) {
    await api.emu.webhooksSettled();
    await api.close();
  }
  for (const receiver of receivers) await receiver.close();
}

export function basic(login = ADMIN.login, password = ADMIN.password): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

export interface TestApi {
  emu: MoySkladEmulator;
  baseUrl: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** `path` is relative to the API root ("/entity/counterparty") or an absolute URL (nextHref). */
export async function startApi(options: MoySkladEmulatorOptions = {}, auth = basic()): Promise<TestApi> {
  const emu = new MoySkladEmulator(options);
  const { baseUrl } = await emu.listen(0);
  const api: TestApi = {
    emu,
    baseUrl,
    async call(method, path, body, headers = {}) {
      const res = await fetch(path.startsWith('http') ? path : baseUrl + path, {
        method,
        headers: {
          Authorization: auth,
          'Accept-Encoding': 'gzip',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    },
    close: () => emu.close(),
  };
  started.apis.add(api);
  return api;
}

export interface ReceivedHook {
  url: string;
  headers: IncomingMessage['headers'];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Receiver {
  origin: string;
  received: ReceivedHook[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1; `respond` decides the answer for each call (default 200). */
export async function startReceiver(
  respond: (hook: ReceivedHook, res: ServerResponse) => void = (_hook, res) => res.writeHead(200).end(),
): Promise<Receiver> {
  const received: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook = { url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      received.push(hook);
      respond(hook, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const receiver: Receiver = {
    origin,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  started.receivers.add(receiver);
  return receiver;
}
