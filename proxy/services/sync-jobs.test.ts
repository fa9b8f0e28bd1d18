import { expect, it } from 'vitest';
import { describeEachDatabase, useTestDatabase } from '../test-support/databases.js';
import { JobQueue } from '../queue/job-queue.js';
import { repriceJob } from '../sync/jobs.js';
import { SyncJobs } from './sync-jobs.js';

describeEachDatabase('SyncJobs', (kind) => {
  const database = useTestDatabase(kind);

  it('queues a job as the sync built it: a second price-type change while a repricing waits replaces its payload', async () => {
    const { db } = database();
    const now = Date.now();
    await db.insertInto('accounts').values({ id: 1, subdomain: 'a', status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: now, updated_at: now }).execute();
    const jobs = new SyncJobs(new JobQueue(database()), db);
    await jobs.enqueue(repriceJob(1, 'retail'));
    await jobs.enqueue(repriceJob(1, 'wholesale'));
    const queued = await db.selectFrom('jobs').select(['kind', 'payload_json']).execute();
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0]!.payload_json)).toEqual({ accountId: 1, priceTypeId: 'wholesale' });
  });
});
