import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmoCrmEmulator } from './emulator.js';
import type { AmoCrmEmulatorOptions } from './options.js';

/** Shared helpers for the emulator's own tests: a recording HTTP receiver and an API client over real HTTP. */

export interface ReceivedRequest { method: string; url: URL; headers: IncomingHttpHeaders; body: string }

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  status = 200;
  delayMs = 0;
  private server: Server | null = null;
  origin = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: new URL(req.url ?? '/', this.origin), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        setTimeout(() => res.writeHead(this.status).end('ok'), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export const INTEGRATION = { clientId: '0b0832f6-1b1e-4c6a-9a0e-0f5b9e1a2b3c', clientSecret: 'test-secret-do-not-log', redirectUri: 'https://integration.example/amocrm/install' };

export interface Harness { emu: AmoCrmEmulator; origin: string; base: string; token: string; api: ApiClient }

export type ApiClient = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; type: string; json: any; text: string }>;

export function apiClient(base: string, token: () => string): ApiClient {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, text, json: text && type.includes('json') ? JSON.parse(text) : null };
  };
}

/** An emulator on 127.0.0.1:0 with a long-lived admin token for the default `demo` account. */
export async function startHarness(options: Partial<AmoCrmEmulatorOptions> = {}): Promise<Harness> {
  const emu = new AmoCrmEmulator({ integration: INTEGRATION, rateLimit: { perSecond: 10_000, blockAfterViolations: 10 }, ...options });
  const { origin } = await emu.listen(0);
  const base = emu.accountBaseUrl('demo');
  const harness: Harness = { emu, origin, base, token: await emu.issueLongLivedToken('demo', 86_400), api: undefined as unknown as ApiClient };
  harness.api = apiClient(base, () => harness.token);
  return harness;
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 2, 12, 9, 0, 0)): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => void (current += ms) };
}
