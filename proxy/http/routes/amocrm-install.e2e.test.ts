import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../../../sandbox/amocrm/emulator.js';
import { AccountsRepository } from '../../db/repositories/accounts.js';
import { CLIENT_ID, CLIENT_SECRET, startHarness, type Harness } from './widget/test-harness.js';

// The install hook against the sandbox amoCRM emulator: the real AmoCodeExchange exchanges the code and
// reads the account id from the access token. Port 1 is never listening, so the emulator's own hook call
// fails fast and the test delivers the hook itself.
const REDIRECT_URI = 'http://127.0.0.1:1/amocrm/install';
const REVOKE_HOOK = 'http://127.0.0.1:1/amocrm/revoke';

describe('amoCRM install with the real code exchange (sandbox amoCRM)', () => {
  let amo: AmoCrmEmulator;
  let h: Harness;
  beforeAll(async () => {
    amo = new AmoCrmEmulator({ integration: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, revokeHookUrl: REVOKE_HOOK }, timeScale: 0.1 });
    const { origin } = await amo.listen(0);
    h = await startHarness('sqlite', { amoBaseTemplate: `${origin}/a/{subdomain}`, amoRedirectUri: REDIRECT_URI });
  });
  afterAll(async () => {
    await h?.close();
    await amo?.close();
  });

  it('stores the encrypted token pair under the account id amoCRM reports', async () => {
    const { code } = await amo.installWidget('demo', { userId: 5000001 });
    const referer = `${new URL(amo.accountBaseUrl('demo')).host}/a/demo`;
    const response = await fetch(`${h.base}/amocrm/install?${new URLSearchParams({ code, referer, from_widget: '1', platform: '1' })}`);
    expect(response.status).toBe(200);
    await h.api.installation.settle();
    const repository = new AccountsRepository(h.database.db, h.secrets);
    const account = await repository.find(31000001);
    expect(account).toMatchObject({ subdomain: 'demo', status: 'active', hasAmoTokens: true, needsReinstall: false });
    const tokens = await repository.amoTokens(31000001);
    expect(tokens?.accessToken.split('.')).toHaveLength(3);
    const row = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', 31000001).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(tokens!.accessToken);
    expect(JSON.stringify(row)).not.toContain(tokens!.refreshToken);
    // The code is single-use: a replayed hook is answered as such and not even sent to amoCRM again.
    const again = await fetch(`${h.base}/amocrm/install?${new URLSearchParams({ code, referer, from_widget: '1' })}`);
    expect(again.status).toBe(409);
    await h.api.installation.settle();
    expect((await repository.amoTokens(31000001))?.accessToken).toBe(tokens!.accessToken);
    const logs = h.logLines.join('\n');
    expect(logs).toContain('install hook with a code already presented');
    // Neither the single-use code, nor the token pair, nor our client secret reaches a log line or the database file.
    for (const secret of [code, tokens!.accessToken, tokens!.refreshToken, CLIENT_SECRET]) expect(logs).not.toContain(secret);
    const file = h.database.url.slice('file:'.length);
    const bytes = [file, `${file}-wal`].map((path) => { try { return readFileSync(path).toString('latin1'); } catch { return ''; } }).join('');
    expect(bytes).toContain('v1:'); // the encrypted pair is there, so the file was actually read
    // The code is kept (to refuse a replay) only as a hash: until it expires it is a credential.
    for (const secret of [code, tokens!.accessToken, tokens!.refreshToken]) expect(bytes).not.toContain(secret);
  });

  it('a revoke is carried out only once amoCRM has really revoked our tokens: the captured URL replayed after a reinstall changes nothing', async () => {
    const repository = new AccountsRepository(h.database.db, h.secrets);
    const installNow = async () => {
      const { code } = await amo.installWidget('demo', { userId: 5000001 });
      const referer = `${new URL(amo.accountBaseUrl('demo')).host}/a/demo`;
      const answer = await fetch(`${h.base}/amocrm/install?${new URLSearchParams({ code, referer, from_widget: '1', platform: '1' })}`);
      expect(answer.status).toBe(200);
      await h.api.installation.settle();
    };
    await installNow();
    expect(await repository.find(31000001)).toMatchObject({ status: 'active', hasAmoTokens: true });

    const { call } = await amo.uninstallWidget('demo');
    const captured = new URL(call!.url);
    const revokeUrl = `${h.base}${captured.pathname}${captured.search}`;
    // The real uninstall: amoCRM revoked our tokens before calling the hook, so the revoke is confirmed.
    expect((await fetch(revokeUrl)).status).toBe(204);
    expect(await repository.find(31000001)).toMatchObject({ status: 'revoked', hasAmoTokens: false });

    // Reinstalled; then someone replays the captured revoke URL (its signature never changes).
    await installNow();
    const replay = await fetch(revokeUrl);
    expect(replay.status).toBe(409);
    expect((await replay.json()).code).toBe('revoke_not_confirmed');
    expect(await repository.find(31000001)).toMatchObject({ status: 'active', hasAmoTokens: true, needsReinstall: false });
    expect(await repository.amoTokens(31000001)).not.toBeNull();
  });
});
