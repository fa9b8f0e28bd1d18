import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJobProblem } from '../../queue/job-problem.js';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../test-support/sync-harness.js';

const SMALL_SEED = { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 1 };

/**
 * A relay between the proxy and the amoCRM emulator that, while `corrupt` is on, answers catalog element listings
 * with an element id that is not a number — a field the sync acts on, malformed.
 */
async function corruptingRelay(target: string): Promise<{ origin: string; corrupt: boolean; close(): Promise<void> }> {
  const relay = { origin: '', corrupt: false, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection', 'accept-encoding'].includes(name))) as Record<string, string>;
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(`${target}${req.url}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) });
        let text = await answer.text();
        if (relay.corrupt && req.method === 'GET' && /\/api\/v4\/catalogs\/\d+\/elements(\?|$)/.test(req.url ?? '') && answer.status === 200) {
          const json = JSON.parse(text) as { _embedded: { elements: { id: unknown }[] } };
          json._embedded.elements[0]!.id = 'not-a-number';
          text = JSON.stringify(json);
        }
        const contentType = answer.headers.get('content-type');
        res.writeHead(answer.status, contentType ? { 'content-type': contentType } : {});
        res.end(text);
      })().catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  relay.origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  relay.close = () => new Promise((resolve) => server.close(() => resolve()));
  return relay;
}

describe.each(DATABASE_KINDS)('malformed amoCRM answers on %s', (kind) => {
  let h: SyncHarness | undefined;
  let relay: Awaited<ReturnType<typeof corruptingRelay>> | undefined;
  afterEach(async () => {
    await h?.close();
    await relay?.close();
    h = undefined;
    relay = undefined;
  });

  it('parks the job at once with the answer and field named, instead of retrying it', async () => {
    h = await startSyncHarness(kind, {
      seed: SMALL_SEED,
      sync: { catalogSweepIntervalMs: 0 },
      amoOrigin: async (origin) => {
        relay = await corruptingRelay(origin);
        return relay.origin;
      },
    });
    const harness = h;
    await harness.settle();
    relay!.corrupt = true;
    const { id } = await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();

    const job = await harness.database.db.selectFrom('jobs').select(['state', 'attempts', 'problem_json', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
    expect([job.state, Number(job.attempts)]).toEqual(['failed', 1]);
    expect(parseJobProblem(job.problem_json)).toEqual({
      entity: null,
      field: '_embedded.elements.0.id',
      message: expect.stringMatching(/^amoCRM answered GET \/a\/demo\/api\/v4\/catalogs\/\d+\/elements with a value the integration cannot use: /),
      hint: 'retry_later',
    });

    // The answer is right again: the next pass goes through.
    relay!.corrupt = false;
    const next = await harness.proxy.context.queue.enqueue({ kind: 'sync.reconcile', accountId: ACCOUNT_ID, payload: { accountId: ACCOUNT_ID } });
    await harness.queueIdle();
    expect((await harness.database.db.selectFrom('jobs').select('state').where('id', '=', next.id).executeTakeFirstOrThrow()).state).toBe('completed');
  });
});
