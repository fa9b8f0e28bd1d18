import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../logger.js';
import type { InteractiveMoySklad } from '../../services/interactive-moysklad.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/databases.js';
import { loadConfig } from '../../config.js';
import { contextOn } from '../../context.js';
import { createWidgetApiModule } from './widget-api.js';

const env = {
  PUBLIC_URL: 'https://proxy.example.test',
  AMOCRM_CLIENT_ID: '0b0832f6-1111-4222-8333-444455556666',
  AMOCRM_CLIENT_SECRET: 'test-client-secret-with-enough-entropy-0123456789',
  AMOCRM_REDIRECT_URI: 'https://proxy.example.test/amocrm/install',
  AMOCRM_BASE_URL_TEMPLATE: 'https://{subdomain}.amocrm.ru',
  MOYSKLAD_API_URL: 'http://127.0.0.1:9/api/remap/1.2',
};

describe('the widget API module lifecycle', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(async () => database.dispose());

  const quietLogger = () => createLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
  /** What a process hands every module (proxy/context.ts): here over the test database. */
  const context = () => contextOn(loadConfig({ ...env, DATABASE_URL: database.url, ENCRYPTION_KEY: randomBytes(32).toString('base64') }), database, { logger: quietLogger() });

  it('start() runs the referral reward sweep periodically, one at a time; stop() ends it', async () => {
    const api = createWidgetApiModule(context(), { overrides: { referralSweepMs: 5 } });
    let running = 0;
    let overlapped = false;
    const sweep = vi.spyOn(api.referral, 'rewardReferrersAfterFirstPurchase').mockImplementation(async () => {
      overlapped ||= running > 0;
      running += 1;
      await new Promise((resolve) => setTimeout(resolve, 12));
      running -= 1;
      return 0;
    });
    api.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await api.stop();
    const calls = sweep.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(overlapped).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sweep.mock.calls.length).toBe(calls);
  });

  it('stop() waits for the МойСклад webhook removal that DELETE /connection started in the background', async () => {
    let finishRemoval: (removed: number) => void = () => undefined;
    const removal = new Promise<number>((resolve) => (finishRemoval = resolve));
    const removedWith: string[] = [];
    const moysklad = {
      obtainToken: async () => 'ms-token',
      checkToken: async () => ({ login: 'admin@demo' }),
      activeBonusProgram: async () => null,
      removeWebhooks: (token: string, prefix: string) => {
        removedWith.push(`${token} ${prefix}`);
        return removal;
      },
    } as unknown as InteractiveMoySklad;
    const api = createWidgetApiModule(context(), { overrides: { moysklad, referralSweepMs: 3_600_000 } });
    const auth = { accountId: 77, userId: 1, subdomain: 'demo', isAdmin: true };
    api.start();
    await api.services.connection.connect(auth, 'admin@demo', 'password');
    await api.services.connection.disconnect(auth);
    expect(removedWith).toEqual(['ms-token https://proxy.example.test/']);

    let stopped = false;
    const stopping = api.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    finishRemoval(3);
    await stopping;
    expect(stopped).toBe(true);
  });
});
