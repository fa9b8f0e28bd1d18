import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { AmoAccountLimiter } from '../account-limiter.js';
import { AmoClient } from '../client.js';
import { InMemoryTokenStore } from '../token-store.js';
import type { AmoTransportOptions } from '../transport.js';
import { FakeAmoCrm } from './fake-amocrm.js';

export function useFakeAmoCrm() {
  const server = setupServer();
  const ctx = { server, fake: new FakeAmoCrm() };
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    ctx.fake = new FakeAmoCrm();
    server.use(...ctx.fake.handlers());
  });
  afterAll(() => server.close());
  server.use(...ctx.fake.handlers());
  return ctx;
}

/** A client for account "31000001" at demo.amocrm.ru holding the fake's first token pair; fast 429 backoff. */
export async function testAmoClient(overrides: Partial<AmoTransportOptions> = {}) {
  const tokenStore = overrides.tokenStore ?? new InMemoryTokenStore();
  if (!(await tokenStore.load('31000001'))) await tokenStore.save('31000001', { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: null });
  return new AmoClient({
    accountId: '31000001',
    subdomain: 'demo',
    credentials: { clientId: 'client', clientSecret: 'secret', redirectUri: 'https://proxy.example.com/amo/oauth' },
    tokenStore,
    limiter: new AmoAccountLimiter(),
    retry: { minBackoffMs: 5, maxBackoffMs: 50 },
    ...overrides,
  });
}
