import { afterEach, beforeEach, expect, it } from 'vitest';
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
    expect(defaults.json).toEqual({ referralBonusNew: 0, referralBonusReferrer: 0, referrerRewardAt: 'first_purchase', priceTypeId: null, priceTypes: [] });

    await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    const connected = await h.call('GET', '/api/widget/settings', { claims: user });
    expect(connected.json.priceTypes.length).toBeGreaterThan(0);
    expect(connected.json.priceTypes[0]).toEqual({ id: expect.any(String), name: expect.any(String) });

    const wanted = { referralBonusNew: 150, referralBonusReferrer: 300, referrerRewardAt: 'signup', priceTypeId: connected.json.priceTypes[0].id };
    expect((await h.call('PUT', '/api/widget/settings', { claims: user, body: wanted })).status).toBe(403);
    const saved = await h.call('PUT', '/api/widget/settings', { claims: admin, body: wanted });
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual(wanted);
    expect((await h.call('GET', '/api/widget/settings', { claims: user })).json).toMatchObject(wanted);
    const logged = await h.database.db.selectFrom('operation_log').select(['user_id', 'details_json']).where('kind', '=', 'settings.updated').execute();
    expect(logged.map((row) => [Number(row.user_id), JSON.parse(row.details_json)])).toEqual([[admin.userId, wanted]]);
    expect((await h.call('GET', '/api/widget/settings', { claims: { accountId: 1, isAdmin: true } })).json.referralBonusNew).toBe(0);
  });

  it('sync: counters and failed jobs of the caller’s account only; retry is admin-only and scoped', async () => {
    const queue = new JobQueue(h.database, { defaultMaxAttempts: 1 });
    const { db } = h.database;
    const now = Date.now();
    for (const id of [8080, 9090]) {
      await db.insertInto('accounts').values({ id, subdomain: `s${id}`, status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: now, updated_at: now }).execute();
    }
    const mine = await queue.enqueue({ kind: 'sync.counterparty', accountId: 8080, payload: {} });
    const theirs = await queue.enqueue({ kind: 'sync.counterparty', accountId: 9090, payload: {} });
    await queue.enqueue({ kind: 'sync.product', accountId: 8080, payload: {} });
    for (const job of await queue.claim('w1', ['sync.counterparty'], 10, 60_000)) await queue.fail(job, 'w1', 'МойСклад answered 500');

    const status = await h.call('GET', '/api/widget/sync', { claims: user });
    expect(status.status).toBe(200);
    // Jobs exist but nothing has been synced yet: the status page says «never».
    expect(status.json).toMatchObject({ lastSyncAt: null, mode: 'webhooks', queue: { pending: 1, running: 0, failed: 1 }, import: { state: 'idle', done: 0, total: 0 } });
    expect(status.json.failedJobs).toEqual([{ id: String(mine.id), kind: 'sync.counterparty', error: 'МойСклад answered 500', failedAt: expect.stringMatching(/Z$/) }]);

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
});
