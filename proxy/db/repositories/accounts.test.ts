import { randomBytes } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import { createSecretBox } from '../../crypto/secret-box.js';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { AccountsRepository } from './accounts.js';

const secrets = createSecretBox(randomBytes(32));
const amoTokens = { accessToken: 'amo-access-PLAINTEXT', refreshToken: 'amo-refresh-PLAINTEXT', expiresAt: 1_800_000_000_000 };

describeEachDatabase('AccountsRepository', (kind) => {
  const database = useTestDatabase(kind);
  let clock: number;
  let accounts: AccountsRepository;
  beforeEach(() => {
    clock = 1_700_000_000_000;
    accounts = new AccountsRepository(database().db, secrets, () => clock);
  });

  it('stores tokens encrypted: the raw row holds no plaintext, the repository returns it', async () => {
    await accounts.saveAmoTokens(101, 'shop', amoTokens);
    await accounts.saveMoySkladConnection(101, 'admin@shop', 'ms-token-PLAINTEXT', 'ms-account-1');

    const raw = await database().db.selectFrom('accounts').selectAll().where('id', '=', 101).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain('PLAINTEXT');
    expect(raw.moysklad_token_enc).toMatch(/^v1:/);
    expect(raw.moysklad_login).toBe('admin@shop'); // not a secret

    expect(await accounts.amoTokens(101)).toEqual(amoTokens);
    expect(await accounts.moyskladToken(101)).toBe('ms-token-PLAINTEXT');
    expect(await accounts.find(101)).toMatchObject({
      accountId: 101, subdomain: 'shop', status: 'active', moyskladConnected: true, moyskladLogin: 'admin@shop',
      moyskladAccountId: 'ms-account-1', hasAmoTokens: true, needsReauth: false, needsReinstall: false, amoTokenExpiresAt: amoTokens.expiresAt,
    });
  });

  it('a ciphertext copied into another account does not decrypt', async () => {
    await accounts.ensure(1, 'one');
    await accounts.ensure(2, 'two');
    await accounts.saveMoySkladConnection(1, 'a', 'token-of-account-1');
    const { db } = database();
    const stolen = await db.selectFrom('accounts').select('moysklad_token_enc').where('id', '=', 1).executeTakeFirstOrThrow();
    await db.updateTable('accounts').set({ moysklad_token_enc: stolen.moysklad_token_enc }).where('id', '=', 2).execute();
    await expect(accounts.moyskladToken(2)).rejects.toThrow(/cannot decrypt/);
  });

  it('ensure creates once, keeps data and follows a subdomain rename; each account gets its own webhook secret per service', async () => {
    await accounts.ensure(7, 'old');
    const secret = await accounts.webhookSecret(7, 'moysklad');
    const amoSecret = await accounts.webhookSecret(7, 'amocrm');
    await accounts.saveSettings(7, { referralBonusNew: 100 });
    await accounts.ensure(7, 'renamed');
    expect(await accounts.find(7)).toMatchObject({ subdomain: 'renamed' });
    expect(await accounts.getSettings(7)).toEqual({ referralBonusNew: 100 });
    expect(await accounts.webhookSecret(7, 'moysklad')).toBe(secret);
    expect(await accounts.webhookSecret(7, 'amocrm')).toBe(amoSecret);
    expect(amoSecret).not.toBe(secret);
    await accounts.ensure(8, 'other');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await accounts.webhookSecret(8, 'moysklad')).not.toBe(secret);
    expect(await accounts.getSettings(999)).toEqual({});
  });

  it('rotates both webhook secrets on demand and on revoke; an account from before 0006 gets its amoCRM secret on first use', async () => {
    await accounts.ensure(9, 'shop');
    const before = [await accounts.webhookSecret(9, 'moysklad'), await accounts.webhookSecret(9, 'amocrm')];
    await accounts.rotateWebhookSecrets(9);
    const rotated = [await accounts.webhookSecret(9, 'moysklad'), await accounts.webhookSecret(9, 'amocrm')];
    expect(rotated[0]).not.toBe(before[0]);
    expect(rotated[1]).not.toBe(before[1]);
    await accounts.wipeCredentials(9);
    expect(await accounts.webhookSecret(9, 'moysklad')).not.toBe(rotated[0]);
    expect(await accounts.webhookSecret(9, 'amocrm')).not.toBe(rotated[1]);

    await database().db.updateTable('accounts').set({ amo_webhook_secret_enc: null }).where('id', '=', 9).execute();
    expect(await accounts.webhookSecret(9, 'amocrm')).toBeNull();
    const created = await Promise.all([accounts.webhookSecret(9, 'amocrm', { create: true }), accounts.webhookSecret(9, 'amocrm', { create: true })]);
    expect(created[0]).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(created[1]).toBe(created[0]);
  });

  it('tracks re-auth and re-install needs, and wipes every credential on revoke', async () => {
    await accounts.saveAmoTokens(5, 'shop', amoTokens);
    await accounts.saveMoySkladConnection(5, 'admin', 'ms-token');
    await accounts.markMoySkladNeedsReauth(5);
    expect(await accounts.find(5)).toMatchObject({ needsReauth: true });
    await accounts.saveMoySkladConnection(5, 'admin', 'ms-token-2');
    expect(await accounts.find(5)).toMatchObject({ needsReauth: false });

    clock += 1000;
    expect(await accounts.wipeCredentials(5)).toBe(true);
    expect(await accounts.wipeCredentials(404)).toBe(false);
    expect(await accounts.find(5)).toMatchObject({ status: 'revoked', needsReinstall: true, hasAmoTokens: false, moyskladConnected: false, revokedAt: clock });
    expect(await accounts.amoTokens(5)).toBeNull();
    expect(await accounts.moyskladToken(5)).toBeNull();
    expect(await accounts.listActive()).toEqual([]);

    await accounts.saveAmoTokens(5, 'shop', amoTokens); // reinstall
    expect(await accounts.find(5)).toMatchObject({ status: 'active', needsReinstall: false, revokedAt: null });
  });

  it('lets one owner at a time hold the token refresh lock, until it is released or expires', async () => {
    await accounts.ensure(3, 'shop');
    const other = new AccountsRepository(database().connectAgain().db, secrets, () => clock);
    expect(await accounts.tryAcquireRefreshLock(3, 'process-a', 10_000)).toBe(true);
    expect(await other.tryAcquireRefreshLock(3, 'process-b', 10_000)).toBe(false);
    expect(await accounts.tryAcquireRefreshLock(3, 'process-a', 10_000)).toBe(true); // re-entrant for its owner
    await other.releaseRefreshLock(3, 'process-b'); // not the owner: no effect
    expect(await other.tryAcquireRefreshLock(3, 'process-b', 10_000)).toBe(false);
    clock += 10_001;
    expect(await other.tryAcquireRefreshLock(3, 'process-b', 10_000)).toBe(true);
    await other.releaseRefreshLock(3, 'process-b');
    expect(await accounts.tryAcquireRefreshLock(3, 'process-a', 10_000)).toBe(true);
  });
});
