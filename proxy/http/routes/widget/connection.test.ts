import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AccountsRepository } from '../../../db/repositories/accounts.js';
import { bulkOrderingKey } from '../../../sync/jobs.js';
import { describeEachDatabase } from '../../../test-support/databases.js';
import { PUBLIC_URL, SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness } from './test-harness.js';

const admin = { accountId: 3131, isAdmin: true, userId: 9 };

describeEachDatabase('МойСклад connection', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => h?.close());

  it('a wrong password is 422 moysklad_auth_failed; the right one connects; the password and token are nowhere in logs or rows', async () => {
    const wrong = await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: 'wrong-password-123' } });
    expect(wrong.status).toBe(422);
    expect(wrong.json.code).toBe('moysklad_auth_failed');
    expect((await h.call('GET', '/api/widget/status', { claims: admin })).json.moysklad).toEqual({ state: 'not_connected' });

    const right = await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    expect(right.status).toBe(200);
    expect(right.json).toEqual({ connected: true, login: SANDBOX_LOGIN });
    const connectJobs = await h.database.db.selectFrom('jobs').select(['kind', 'payload_json', 'job_key', 'ordering_key']).where('kind', '=', 'sync.connect').execute();
    expect(connectJobs.map((job) => JSON.parse(job.payload_json))).toEqual([{ accountId: admin.accountId }]);
    // The sync's own key and order: never beside an import or an amoCRM write of the account.
    expect(connectJobs.map((job) => [job.job_key, job.ordering_key])).toEqual([[`${admin.accountId}:sync.connect`, bulkOrderingKey(admin.accountId)]]);
    // The МойСклад login (an employee's e-mail) is for admins; a manager sees that МойСклад is connected.
    const status = await h.call('GET', '/api/widget/status', { claims: { ...admin, isAdmin: false } });
    expect(status.json).toMatchObject({ connected: true, isAdmin: false });
    expect(status.json.moysklad).toEqual({ state: 'connected' });
    expect(status.text).not.toContain(SANDBOX_LOGIN);
    expect((await h.call('GET', '/api/widget/status', { claims: admin })).json.moysklad).toEqual({ state: 'connected', login: SANDBOX_LOGIN });

    // The token МойСклад issued is stored encrypted: neither it nor the password is in a log line or a row.
    const row = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', admin.accountId).executeTakeFirstOrThrow();
    expect(row.moysklad_token_enc).toMatch(/^v1:/);
    const plainToken = await new AccountsRepository(h.database.db, h.secrets).moyskladToken(admin.accountId);
    expect(plainToken).toMatch(/^[0-9a-f]{40}$/);
    const logs = h.logLines.join('\n');
    expect(logs).toContain('"component":"moysklad"'); // the client logged the refused login: the check below bites
    expect(logs).not.toContain(SANDBOX_PASSWORD);
    expect(logs).not.toContain('wrong-password-123');
    expect(logs).not.toContain(plainToken);
    const { db } = h.database;
    const everyRow = JSON.stringify([
      await db.selectFrom('accounts').selectAll().execute(),
      await db.selectFrom('operation_log').selectAll().execute(),
      await db.selectFrom('jobs').selectAll().execute(),
      await db.selectFrom('account_sync').selectAll().execute(),
      await db.selectFrom('sync_streams').selectAll().execute(),
      await db.selectFrom('idempotency_keys').selectAll().execute(),
    ]);
    expect(everyRow).not.toContain(SANDBOX_PASSWORD);
    expect(everyRow).not.toContain(plainToken);
    if (kind === 'sqlite') {
      const file = h.database.url.slice('file:'.length);
      const bytes = [file, `${file}-wal`].map((path) => { try { return readFileSync(path).toString('latin1'); } catch { return ''; } }).join('');
      expect(bytes).not.toContain(SANDBOX_PASSWORD);
      expect(bytes).not.toContain(plainToken);
      expect(bytes).toContain('v1:'); // the encrypted token is there, so the file was actually read
    }
  });

  it('DELETE forgets the token; both routes are admin-only', async () => {
    expect((await h.call('POST', '/api/widget/connection', { claims: { ...admin, isAdmin: false }, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } })).status).toBe(403);
    await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    expect((await h.call('DELETE', '/api/widget/connection', { claims: { ...admin, isAdmin: false } })).status).toBe(403);
    const token = await new AccountsRepository(h.database.db, h.secrets).moyskladToken(admin.accountId);
    const hook = await fetch(`${h.emulator.baseUrl}/entity/webhook`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
      body: JSON.stringify({ url: `${PUBLIC_URL}/webhooks/moysklad/x`, action: 'UPDATE', entityType: 'product' }),
    });
    expect(hook.status).toBe(200);
    const deleted = await h.call('DELETE', '/api/widget/connection', { claims: admin });
    expect(deleted.status).toBe(204);
    await h.api.services.connection.settle();
    expect(h.emulator.list('webhook')).toEqual([]);
    const row = await h.database.db.selectFrom('accounts').select(['moysklad_token_enc', 'moysklad_login']).where('id', '=', admin.accountId).executeTakeFirstOrThrow();
    expect(row).toEqual({ moysklad_token_enc: null, moysklad_login: null });
  });

  it('МойСклад unreachable is 502 moysklad_unreachable', async () => {
    await h.emulator.close();
    const response = await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    expect(response.status).toBe(502);
    expect(response.json.code).toBe('moysklad_unreachable');
  });

  it('a МойСклад reconnect re-keys both webhook URLs: the old ones answer 404, the new ones are accepted', async () => {
    const repository = new AccountsRepository(h.database.db, h.secrets);
    expect((await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } })).status).toBe(200);
    const old = { moysklad: (await repository.webhookSecret(admin.accountId, 'moysklad'))!, amocrm: (await repository.webhookSecret(admin.accountId, 'amocrm'))! };
    const href = `${h.emulator.baseUrl}/entity/product/0b0832f6-1111-4222-8333-444455556666`;
    const postMs = (secret: string) =>
      fetch(`${h.base}/webhooks/moysklad/${admin.accountId}/${secret}?requestId=${Math.random()}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: [{ meta: { type: 'product', href }, action: 'UPDATE', accountId: 'x' }] }),
      });
    const postAmo = (secret: string) =>
      fetch(`${h.base}/webhooks/amocrm/${admin.accountId}/${secret}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `account[id]=${admin.accountId}` });
    expect((await postMs(old.moysklad)).status).toBe(200);
    expect((await postAmo(old.amocrm)).status).toBe(200);

    expect((await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } })).status).toBe(200);
    expect((await postMs(old.moysklad)).status).toBe(404);
    expect((await postAmo(old.amocrm)).status).toBe(404);
    expect((await postMs((await repository.webhookSecret(admin.accountId, 'moysklad'))!)).status).toBe(200);
    expect((await postAmo((await repository.webhookSecret(admin.accountId, 'amocrm'))!)).status).toBe(200);
  });
});
