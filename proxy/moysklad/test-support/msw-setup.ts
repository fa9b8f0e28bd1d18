import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { FakeMoySklad } from './fake-moysklad.js';
import { MoySkladClient, type MoySkladClientOptions } from '../client.js';
import { MoySkladUserLimiter } from '../user-limiter.js';

/** One msw server per test file; every unhandled request fails the test. `ctx.fake` is fresh for each test. */
export function useFakeMoySklad() {
  const server = setupServer();
  const ctx = { server, fake: new FakeMoySklad() };
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    ctx.fake = new FakeMoySklad();
    server.use(...ctx.fake.handlers());
  });
  afterAll(() => server.close());
  server.use(...ctx.fake.handlers());
  return ctx;
}

/** A client with test-speed retries (no real sleeping between attempts). */
export function testClient(overrides: Partial<MoySkladClientOptions> = {}) {
  return new MoySkladClient({
    token: 'fake-token',
    limiter: new MoySkladUserLimiter(),
    publicUrl: 'https://proxy.example.com',
    retryPolicy: { baseDelayMs: 1, maxDelayMs: 5, random: () => 0.5 },
    ...overrides,
  });
}
