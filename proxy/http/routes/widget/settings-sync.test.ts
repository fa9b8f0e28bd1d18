import { afterEach, beforeEach, expect, it } from 'vitest';
import { AccountSyncRepository } from '../../../db/repositories/account-sync.js';
import { SyncRealtimeRepository } from '../../../db/repositories/sync-realtime.js';
import { JobQueue } from '../../../queue/job-queue.js';
import { describeEachDatabase } from '../../../test-support/databases.js';
import { SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness } from './test-harness.js';

const admin = { accountId: 8080, isAdmin: true, userId: 3 };
const user = { accountId: 8080, isAdmin: false, userId: 4 };

describeEachDatabase('settings and sync status', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => h?.close());

  it('settings: defaults, price types from МойСклад once connected, admin-only PUT, stored per account', async () => {
    const defaults = await h.call('GET', '/api/widget/settings', { claims: user });
    expect(defaults.status).toBe(200);
    const defaultCaps = { bonusMaxPerOperation: 10_000, bonusMaxPerUserPerDay: 30_000, referralMaxPerReferrerPerDay: 5, referralPhoneConfirmation: false, shopName: '', privacyPolicyUrl: null };
    expect(defaults.json).toEqual({ referralBonusNew: 0, referralBonusReferrer: 0, referrerRewardAt: 'first_purchase', priceTypeId: null, ...defaultCaps, priceTypes: [] });

    await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    const connected = await h.call('GET', '/api/widget/settings', { claims: user });
    expect(connected.json.priceTypes.length).toBeGreaterThan(0);
    expect(connected.json.priceTypes[0]).toEqual({ id: expect.any(String), name: expect.any(String) });

    const wanted = { referralBonusNew: 150, referralBonusReferrer: 300, referrerRewardAt: 'signup', priceTypeId: connected.json.priceTypes[0].id };
    expect((await h.call('PUT', '/api/widget/settings', { claims: user, body: wanted })).status).toBe(403);
    const saved = await h.call('PUT', '/api/widget/settings', { claims: admin, body: wanted });
    expect(saved.status).toBe(200);
    // Fields a client leaves out keep their values (a client older than them must not reset the caps).
    expect(saved.json).toEqual({ ...wanted, ...defaultCaps });
    expect((await h.call('GET', '/api/widget/settings', { claims: user })).json).toMatchObject(wanted);
    const logged = await h.database.db.selectFrom('operation_log').select(['user_id', 'details_json']).where('kind', '=', 'settings.updated').execute();
    expect(logged.map((row) => [Number(row.user_id), JSON.parse(row.details_json)])).toEqual([[admin.userId, { ...wanted, ...defaultCaps }]]);

    const caps = { bonusMaxPerOperation: 500, bonusMaxPerUserPerDay: 2_000, referralMaxPerReferrerPerDay: 3, referralPhoneConfirmation: true, shopName: 'Чайная лавка', privacyPolicyUrl: 'https://shop.example/privacy' };
    expect((await h.call('PUT', '/api/widget/settings', { claims: admin, body: { ...wanted, ...caps } })).json).toEqual({ ...wanted, ...caps });
    expect((await h.call('PUT', '/api/widget/settings', { claims: admin, body: wanted })).json).toEqual({ ...wanted, ...caps });
    for (const bad of [{ bonusMaxPerOperation: 0 }, { bonusMaxPerOperation: 100_001 }, { referralMaxPerReferrerPerDay: 0 }, { privacyPolicyUrl: 'javascript:alert(1)' }, { shopName: 'x'.repeat(101) }]) {
      const refused = await h.call('PUT', '/api/widget/settings', { claims: admin, body: { ...wanted, ...bad } });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await h.call('GET', '/api/widget/settings', { claims: { accountId: 1, isAdmin: true } })).json.referralBonusNew).toBe(0);
  });

  it('sync: counters and failed jobs of the caller’s account only; retry is admin-only and scoped', async () => {
    const queue = new JobQueue(h.database, { defaultMaxAttempts: 1 });
    const { db } = h.database;
    const now = Date.now();
    for (const id of [8080, 9090]) {
      await db.insertInto('accounts').values({ id, subdomain: 'demo', status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: now, updated_at: now }).execute();
    }
    const mine = await queue.enqueue({ kind: 'sync.counterparty', accountId: 8080, payload: {} });
    const theirs = await queue.enqueue({ kind: 'sync.counterparty', accountId: 9090, payload: {} });
    await queue.enqueue({ kind: 'sync.product', accountId: 8080, payload: {} });
    for (const job of await queue.claim('w1', ['sync.counterparty'], 10, 60_000)) await queue.fail(job, 'w1', 'МойСклад answered 500');

    const status = await h.call('GET', '/api/widget/sync', { claims: user });
    expect(status.status).toBe(200);
    // Jobs exist but nothing has been synced yet: the status page says «never».
    expect(status.json).toMatchObject({ lastSyncAt: null, mode: 'webhooks', queue: { pending: 1, running: 0, failed: 1 }, import: { state: 'idle', done: 0, total: 0 } });
    expect(status.json.failedJobs).toEqual([{ id: String(mine.id), kind: 'sync.counterparty', error: 'МойСклад answered 500', problem: null, failedAt: expect.stringMatching(/Z$/) }]);

    expect((await h.call('POST', `/api/widget/sync/jobs/${mine.id}/retry`, { claims: user })).status).toBe(403);
    const foreign = await h.call('POST', `/api/widget/sync/jobs/${theirs.id}/retry`, { claims: admin });
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe('job_not_found');
    expect((await queue.get(theirs.id))?.state).toBe('failed');

    expect((await h.call('POST', `/api/widget/sync/jobs/${mine.id}/retry`, { claims: admin })).status).toBe(202);
    expect((await queue.get(mine.id))?.state).toBe('available');
    const again = await h.call('POST', `/api/widget/sync/jobs/${mine.id}/retry`, { claims: admin });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('job_not_failed');
  });

  it('sync: says what the last webhook check found — webhooks present, when, the last event, the polled types and why', async () => {
    const now = Date.now();
    await h.database.db.insertInto('accounts').values({ id: 8282, subdomain: 's8282', status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: now, updated_at: now }).execute();
    const claims = { accountId: 8282, isAdmin: false, userId: 4, subdomain: 's8282' };
    const before = await h.call('GET', '/api/widget/sync', { claims });
    expect(before.json).toMatchObject({ mode: 'webhooks', realtime: { checkedAt: null, lastEventAt: null, webhooks: { present: 0, expected: 0, restored: 0 }, polled: [] } });

    const checkedAt = Date.UTC(2026, 2, 1, 6, 45);
    const state = new AccountSyncRepository(h.database.db);
    await state.markWebhooksChecked(8282, 'polling', checkedAt);
    await state.noteEvent(8282, h.database.db, checkedAt + 60_000);
    await new SyncRealtimeRepository(h.database.db).record(
      8282,
      ['bonustransaction', 'counterparty', 'product', 'productfolder', 'retaildemand', 'retailsalesreturn'].map((entityType) => ({
        entityType,
        expected: 3,
        present: entityType === 'retaildemand' ? 2 : 3,
        restored: entityType === 'product' ? 1 : 0,
        pollReason: entityType === 'retaildemand' ? ('limit' as const) : null,
        pollIntervalMs: entityType === 'retaildemand' ? 1_000 : null,
      })),
      checkedAt,
    );
    const after = await h.call('GET', '/api/widget/sync', { claims });
    expect(after.json).toMatchObject({
      mode: 'polling',
      realtime: {
        checkedAt: '2026-03-01T06:45:00.000Z',
        lastEventAt: '2026-03-01T06:46:00.000Z',
        webhooks: { present: 17, expected: 18, restored: 1 },
        polled: [{ entityType: 'retaildemand', reason: 'limit', everySeconds: 1 }],
      },
    });
  });

  it('sync: a failed job says what, why and what to do; an admin skips what no retry can fix', async () => {
    const queue = new JobQueue(h.database, { defaultMaxAttempts: 1 });
    const now = Date.now();
    await h.database.db.insertInto('accounts').values({ id: 8181, subdomain: 's8181', status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: now, updated_at: now }).execute();
    const problem = { entity: { type: 'counterparty', moyskladId: 'ms-1', name: 'Иван Петров' }, field: 'custom_fields_values.0.values.0.value', message: 'This value is not a valid email address.', hint: 'fix_in_moysklad' };
    const { id } = await queue.enqueue({ kind: 'sync.entity', accountId: 8181, payload: {} });
    const [job] = await queue.claim('w1', ['sync.entity'], 1, 60_000);
    await queue.fail(job!, 'w1', 'amoCRM refused the request (HTTP 400): Request validation failed', { permanent: true, problem: problem as never });
    const owner = { accountId: 8181, isAdmin: true, userId: 3, subdomain: 's8181' };
    const status = await h.call('GET', '/api/widget/sync', { claims: owner });
    expect(status.json.failedJobs).toEqual([{ id: String(id), kind: 'sync.entity', error: 'amoCRM refused the request (HTTP 400): Request validation failed', problem, failedAt: expect.any(String) }]);

    expect((await h.call('POST', `/api/widget/sync/jobs/${id}/skip`, { claims: { ...owner, isAdmin: false } })).status).toBe(403);
    expect((await h.call('POST', `/api/widget/sync/jobs/${id}/skip`, { claims: admin })).status).toBe(404); // another account's admin
    expect((await h.call('POST', `/api/widget/sync/jobs/${id}/skip`, { claims: owner })).status).toBe(204);
    expect((await h.call('GET', '/api/widget/sync', { claims: owner })).json).toMatchObject({ queue: { failed: 0 }, failedJobs: [] });
    expect((await h.call('POST', `/api/widget/sync/jobs/${id}/skip`, { claims: owner })).json.code).toBe('job_not_failed');
    const logged = await h.database.db.selectFrom('operation_log').select(['user_id', 'details_json']).where('kind', '=', 'sync.job_skipped').execute();
    expect(logged.map((row) => [Number(row.user_id), JSON.parse(row.details_json)])).toEqual([[3, { jobId: String(id), kind: 'sync.entity' }]]);
  });
});
