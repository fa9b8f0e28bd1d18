import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../../sandbox/amocrm/emulator.js';
import { loadConfig } from '../config.js';
import { contextOn, type ProxyContext } from '../context.js';
import { createLogger } from '../logger.js';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { AmoAuthorization } from './amo-authorization.js';

const ACCOUNT = 31000001;
const SUBDOMAIN = 'demo';
const CLIENT_ID = '0b0832f6-1111-4222-8333-444455556666';
const CLIENT_SECRET = 'test-client-secret-with-enough-entropy-0123456789';

/** The check on the process's clients against the amoCRM emulator: one try, whatever amoCRM answers. */
describe('AmoAuthorization', () => {
  let database: TestDatabase;
  let amo: AmoCrmEmulator;
  let context: ProxyContext;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    amo = new AmoCrmEmulator({ integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: 'https://proxy.example.test/amocrm/install' } });
    const { origin } = await amo.listen(0);
    const config = loadConfig({
      PUBLIC_URL: 'https://proxy.example.test',
      DATABASE_URL: database.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      AMOCRM_CLIENT_ID: CLIENT_ID,
      AMOCRM_CLIENT_SECRET: CLIENT_SECRET,
      AMOCRM_REDIRECT_URI: 'https://proxy.example.test/amocrm/install',
      AMOCRM_BASE_URL_TEMPLATE: `${origin}/a/{subdomain}`,
    });
    context = contextOn(config, database, { logger: createLogger({ level: 'silent' }) });
    await context.accounts.ensure(ACCOUNT, SUBDOMAIN);
    await context.accounts.saveAmoTokens(ACCOUNT, SUBDOMAIN, { accessToken: await amo.issueLongLivedToken(SUBDOMAIN, 86_400), refreshToken: null, expiresAt: null });
  });
  afterEach(async () => {
    await amo.close();
    await database.dispose();
  });

  it('answers authorized while amoCRM accepts the stored token', async () => {
    expect(await new AmoAuthorization(context.accounts, context.amoClients).check(ACCOUNT)).toBe('authorized');
  });

  it('tries once: a 503 is unreachable at once, not retried', async () => {
    amo.faults.failNext = { count: 1, status: 503 };
    // A retry would have been answered (one fault only) and read as authorized.
    expect(await new AmoAuthorization(context.accounts, context.amoClients).check(ACCOUNT)).toBe('unreachable');
    expect(amo.requestLog(SUBDOMAIN).filter((entry) => entry.route === '/api/v4/account')).toHaveLength(1);
  });

  it('a refused token reads as revoked without marking the installation for a reinstall', async () => {
    await context.accounts.saveAmoTokens(ACCOUNT, SUBDOMAIN, { accessToken: 'not-a-token-amocrm-issued', refreshToken: null, expiresAt: null });
    expect(await new AmoAuthorization(context.accounts, context.amoClients).check(ACCOUNT)).toBe('revoked');
    expect(await context.accounts.find(ACCOUNT)).toMatchObject({ status: 'active', needsReinstall: false });
  });
});
