import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountsRepository } from '../../db/repositories/accounts.js';
import { AmoAuthError } from '../../amocrm/errors.js';
import type { AmoCodeExchange } from '../../services/amo-code-exchange.js';
import type { AmoAuthorizationCheck } from '../../services/amo-authorization.js';
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
function slowAmoOAuth(accountId = 6060) {
  const calls: { accountBaseUrl: string; code: string }[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const port: Pick<AmoCodeExchange, 'exchangeCode'> = {
    async exchangeCode(accountBaseUrl, code) {
      calls.push({ accountBaseUrl, code });
      await gate;
      if (code.startsWith('bogus')) throw new AmoAuthError('amoCRM refused the token request (HTTP 400)', { status: 400 });
      return { accessToken: 'amo-access-token-PLAINTEXT', refreshToken: 'amo-refresh-token-PLAINTEXT', expiresAt: Date.now() + 86_400_000, accountId };
    },
  };
  return { port, calls, release: () => release() };
}

/** What amoCRM says about our stored tokens when the revoke hook asks. */
function amoAuthorization() {
  const state = { says: 'revoked' as 'authorized' | 'revoked' | 'unreachable', asked: [] as number[] };
  const port: AmoAuthorizationCheck = {
    async check(accountId) {
      state.asked.push(accountId);
      return state.says;
    },
  };
  return { port, state };
}

describeEachDatabase('amoCRM install and revoke hooks', (kind) => {
  let h: Harness;
  let amo: ReturnType<typeof slowAmoOAuth>;
  let authorization: ReturnType<typeof amoAuthorization>;
  beforeEach(async () => {
    amo = slowAmoOAuth();
    authorization = amoAuthorization();
    h = await startHarness(kind, { amoOAuth: amo.port, amoAuthorization: authorization.port, hookLimits: { installWaitMs: 300 } });
  });
  afterEach(async () => {
    amo.release();
    await h?.close();
  });

  const install = (code: string, subdomain = 'shop') => fetch(`${h.base}/amocrm/install?code=${code}&referer=127.0.0.1:9/a/${subdomain}&from_widget=1&platform=1`);

  it('install answers within amoCRM’s 3 s, and says "installed" only once the code exchange has succeeded', async () => {
    const started = Date.now();
    const pending = await install('def502-code');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(pending.status).toBe(202);
    expect(await pending.text()).not.toContain('установлена');
    expect(amo.calls).toEqual([{ accountBaseUrl: 'http://127.0.0.1:9/a/shop', code: 'def502-code' }]);
    amo.release();
    await h.api.installation.settle();
    const row = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', 6060).executeTakeFirstOrThrow();
    expect(row.subdomain).toBe('shop');
    expect(row.amo_access_token_enc).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain('PLAINTEXT');
    const status = await h.call('GET', '/api/widget/status', { claims: { accountId: 6060, subdomain: 'shop' } });
    expect(status.json.amocrm).toEqual({ state: 'installed' });

    const done = await install('def502-second-code');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Интеграция установлена');
  });

  it('a code amoCRM refuses is answered as refused, and logged as the caller’s mistake, not ours', async () => {
    amo.release();
    const refused = await install('bogus-1');
    expect(refused.status).toBe(400);
    expect(await refused.text()).not.toContain('установлена');
    const lines = h.logLines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.find((line) => line.msg === 'amoCRM refused the install code')?.level).toBe(40);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('bogus codes cannot make us post our client_secret at will: a code is exchanged once, an account and a source get a few tries', async () => {
    amo.release();
    expect((await install('bogus-repeated')).status).toBe(400);
    expect((await install('bogus-repeated')).status).toBe(409);
    expect(amo.calls.filter((call) => call.code === 'bogus-repeated')).toHaveLength(1);

    const perAccount = [];
    for (let i = 0; i < 10; i++) perAccount.push((await install(`bogus-a${i}`, 'victim')).status);
    expect(perAccount.filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
    expect(amo.calls.filter((call) => call.accountBaseUrl.endsWith('/victim'))).toHaveLength(5);

    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await install(`bogus-s${i}`, `shop${i}`)).status);
    expect(amo.calls.length).toBeLessThanOrEqual(30);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(30);
  });

  it('a reinstall re-keys both webhook URLs', async () => {
    amo.release();
    await install('first-code');
    await h.api.installation.settle();
    const repository = new AccountsRepository(h.database.db, h.secrets);
    const first = [await repository.webhookSecret(6060, 'moysklad'), await repository.webhookSecret(6060, 'amocrm')];
    await install('second-code');
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

  it('revoke: a bad signature is 403; a good one is carried out only when amoCRM confirms our tokens are refused', async () => {
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
    expect(authorization.state.asked).toEqual([]);
    const revoke = () => fetch(`${h.base}/amocrm/revoke?account_id=${accountId}&client_uuid=${CLIENT_ID}&signature=${sign(CLIENT_ID, accountId)}`);

    // A valid (captured) URL while amoCRM still accepts our tokens: a replay, or a revoke older than this installation.
    authorization.state.says = 'authorized';
    const replayed = await revoke();
    expect(replayed.status).toBe(409);
    expect((await replayed.json()).code).toBe('revoke_not_confirmed');
    authorization.state.says = 'unreachable';
    expect((await revoke()).status).toBe(503);
    expect(await repository.find(accountId)).toMatchObject({ status: 'active', moyskladConnected: true, hasAmoTokens: true });

    authorization.state.says = 'revoked';
    expect((await revoke()).status).toBe(204);
    await h.api.installation.settle();
    const after = await repository.find(accountId);
    expect(after).toMatchObject({ status: 'revoked', moyskladConnected: false, hasAmoTokens: false });
    expect(await repository.amoTokens(accountId)).toBeNull();
    const hooks = h.emulator.list('webhook') as { url: string }[];
    expect(hooks.map((hook) => hook.url)).toEqual(['https://someone-else.example/hook']);
    expect(authorization.state.asked).toEqual([accountId, accountId, accountId]);
  });
});
