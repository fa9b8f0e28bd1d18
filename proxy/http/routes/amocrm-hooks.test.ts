import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountsRepository } from '../../db/repositories/accounts.js';
import type { AmoOAuthPort } from '../../services/ports.js';
import { describeEachDatabase } from '../../test-support/databases.js';
import { subdomainFromReferer } from './amocrm-hooks.js';
import { CLIENT_ID, CLIENT_SECRET, PUBLIC_URL, SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness } from './widget/test-harness.js';

const sign = (clientId: string, accountId: string | number, secret = CLIENT_SECRET) => createHmac('sha256', secret).update(`${clientId}|${accountId}`).digest('hex');

describe('subdomainFromReferer', () => {
  it.each([
    ['https://{subdomain}.amocrm.ru', 'shop.amocrm.ru', 'shop'],
    ['https://{subdomain}.amocrm.ru', 'https://shop.amocrm.ru/', 'shop'],
    ['https://{subdomain}.amocrm.ru', 'shop.amocrm.ru.evil.com', null],
    ['https://{subdomain}.amocrm.ru', 'evil.com', null],
    ['https://{subdomain}.amocrm.ru', 'evil.com/shop.amocrm.ru', null],
    ['https://{subdomain}.amocrm.ru', 'a.b.amocrm.ru', null],
    ['http://127.0.0.1:9/a/{subdomain}', '127.0.0.1:9/a/demo', 'demo'],
    ['http://127.0.0.1:9/a/{subdomain}', '127.0.0.1:10/a/demo', null],
  ])('%s + %s → %s', (template, referer, expected) => {
    expect(subdomainFromReferer(referer, template)).toBe(expected);
  });
});

/** A fake amoCRM token endpoint: records the call and answers when the test releases it. */
function slowAmoOAuth() {
  const calls: { accountBaseUrl: string; code: string }[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const port: AmoOAuthPort = {
    async exchangeCode(accountBaseUrl, code) {
      calls.push({ accountBaseUrl, code });
      await gate;
      return { accessToken: 'amo-access-token-PLAINTEXT', refreshToken: 'amo-refresh-token-PLAINTEXT', expiresAt: Date.now() + 86_400_000, accountId: 6060 };
    },
  };
  return { port, calls, release: () => release() };
}

describeEachDatabase('amoCRM install and revoke hooks', (kind) => {
  let h: Harness;
  let amo: ReturnType<typeof slowAmoOAuth>;
  beforeEach(async () => {
    amo = slowAmoOAuth();
    h = await startHarness(kind, { amoOAuth: amo.port });
  });
  afterEach(async () => {
    amo.release();
    await h?.close();
  });

  it('install answers at once and exchanges the code in the background against the templated host', async () => {
    const started = Date.now();
    const response = await fetch(`${h.base}/amocrm/install?code=def502-code&referer=127.0.0.1:9/a/shop&from_widget=1&platform=1`);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(amo.calls).toEqual([{ accountBaseUrl: 'http://127.0.0.1:9/a/shop', code: 'def502-code' }]);
    amo.release();
    await h.api.installation.settle();
    const row = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', 6060).executeTakeFirstOrThrow();
    expect(row.subdomain).toBe('shop');
    expect(row.amo_access_token_enc).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain('PLAINTEXT');
    const status = await h.call('GET', '/api/widget/status', { claims: { accountId: 6060, subdomain: 'shop' } });
    expect(status.json.amocrm).toEqual({ state: 'installed' });
  });

  it('a reinstall re-keys both webhook URLs', async () => {
    amo.release();
    await fetch(`${h.base}/amocrm/install?code=first-code&referer=127.0.0.1:9/a/shop&from_widget=1`);
    await h.api.installation.settle();
    const repository = new AccountsRepository(h.database.db, h.secrets);
    const first = [await repository.webhookSecret(6060, 'moysklad'), await repository.webhookSecret(6060, 'amocrm')];
    await fetch(`${h.base}/amocrm/install?code=second-code&referer=127.0.0.1:9/a/shop&from_widget=1`);
    await h.api.installation.settle();
    const second = [await repository.webhookSecret(6060, 'moysklad'), await repository.webhookSecret(6060, 'amocrm')];
    expect(second[0]).not.toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
  });

  it('install refuses a referer outside the template (our secret never goes there)', async () => {
    const response = await fetch(`${h.base}/amocrm/install?code=x&referer=evil.example&from_widget=1`);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('install_params_invalid');
    expect(amo.calls).toEqual([]);
  });

  it('revoke with a bad signature is 403 and wipes nothing; with a good one it wipes tokens and removes our МойСклад webhooks', async () => {
    const accountId = 7070;
    await h.call('POST', '/api/widget/connection', { claims: { accountId, isAdmin: true }, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    const repository = new AccountsRepository(h.database.db, h.secrets);
    await repository.saveAmoTokens(accountId, 'demo', { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 1000 });
    const token = await repository.moyskladToken(accountId);
    const createHook = (url: string) =>
      fetch(`${h.emulator.baseUrl}/entity/webhook`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
        body: JSON.stringify({ url, action: 'CREATE', entityType: 'counterparty' }),
      });
    expect((await createHook(`${PUBLIC_URL}/webhooks/moysklad/7070`)).status).toBe(200);
    expect((await createHook('https://someone-else.example/hook')).status).toBe(200);

    for (const query of [
      `account_id=${accountId}&client_uuid=${CLIENT_ID}&signature=${sign(CLIENT_ID, accountId, 'wrong-secret')}`,
      `account_id=${accountId}&client_uuid=${CLIENT_ID}&signature=${sign(CLIENT_ID, accountId + 1)}`,
      `account_id=${accountId}&client_uuid=other-client&signature=${sign('other-client', accountId)}`,
      `account_id=${accountId}&client_uuid=${CLIENT_ID}&signature=${sign(CLIENT_ID, accountId).slice(0, 63)}`,
      `account_id=${accountId}&client_uuid=${CLIENT_ID}`,
    ]) {
      const refused = await fetch(`${h.base}/amocrm/revoke?${query}`);
      expect(refused.status).toBe(403);
      expect((await refused.json()).code).toBe('revoke_signature_invalid');
    }
    expect((await repository.find(accountId))?.moyskladConnected).toBe(true);
    expect(await repository.amoTokens(accountId)).not.toBeNull();

    const accepted = await fetch(`${h.base}/amocrm/revoke?account_id=${accountId}&client_uuid=${CLIENT_ID}&signature=${sign(CLIENT_ID, accountId)}`);
    expect(accepted.status).toBe(204);
    await h.api.installation.settle();
    const after = await repository.find(accountId);
    expect(after).toMatchObject({ status: 'revoked', moyskladConnected: false, hasAmoTokens: false });
    expect(await repository.amoTokens(accountId)).toBeNull();
    const hooks = h.emulator.list('webhook') as { url: string }[];
    expect(hooks.map((hook) => hook.url)).toEqual(['https://someone-else.example/hook']);
  });
});
