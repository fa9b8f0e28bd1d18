import { afterEach, describe, expect, it } from 'vitest';
import { JobQueue } from '../../queue/job-queue.js';
import { ACCOUNT_ID, SUBDOMAIN, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

// A job amoCRM refuses is parked with a problem the admin can read on the settings page: which buyer, which field,
// amoCRM's own words, and what to do (proxy/queue/job-problem.ts, wrapped in module.ts's parkWhenNotReady).
describe('a buyer amoCRM refuses', () => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('fails its job once, naming the buyer, the field and amoCRM’s message', async () => {
    h = await startSyncHarness('sqlite', { seed: { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 1, sales: 0 } });
    const harness = h;
    await harness.importDone();
    await harness.queueIdle();
    // Someone switches amoCRM's Customers to periodicity mode: every new customer now needs a next purchase date.
    harness.amo.setCustomersMode(SUBDOMAIN, 'periodicity');
    const petr = harness.ms.ui.createCounterparty({ name: 'Пётр Сидоров', companyType: 'individual', phone: '+79995550011' });
    await harness.queueIdle();
    // The buyer's job waits a moment (a follow-up event, see FOLLOW_UP_DELAY_MS in proxy/sync/jobs.ts): poll for it.
    const queue = new JobQueue(harness.database);
    await expect.poll(async () => (await queue.listFailed({ accountId: ACCOUNT_ID })).filter((job) => job.kind === 'sync.entity').length, { timeout: 10_000 }).toBe(1);
    const failed = await queue.listFailed({ accountId: ACCOUNT_ID });
    const entityJobs = failed.filter((job) => job.kind === 'sync.entity');
    expect(entityJobs).toEqual([
      expect.objectContaining({
        kind: 'sync.entity',
        error: expect.stringContaining('amoCRM refused the request (HTTP 400)'),
        problem: {
          entity: { type: 'counterparty', moyskladId: String(petr.id), name: 'Пётр Сидоров' },
          field: 'next_date',
          message: 'next_date is required in periodicity mode',
          hint: 'fix_in_moysklad',
        },
      }),
    ]);
    // One attempt, not eight: a refusal is not retried.
    expect((await new JobQueue(harness.database).get(entityJobs[0]!.id))?.attempts).toBe(1);
    // A sweep that meets the same buyer knows no МойСклад id at the point of failure, but still the name and the why.
    for (const job of failed.filter((other) => other.kind !== 'sync.entity')) {
      expect(job.problem).toEqual({ entity: { type: 'record', moyskladId: null, name: 'Пётр Сидоров' }, field: 'next_date', message: 'next_date is required in periodicity mode', hint: 'fix_in_moysklad' });
    }
  });
});
