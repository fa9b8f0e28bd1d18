import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_ID } from '../../../../sandbox/moysklad/emulator.js';
import { DATABASE_KINDS } from '../../../test-support/databases.js';
import { ACCOUNT_ID, startSyncHarness, type SyncHarness } from '../../../sync/test-support/sync-harness.js';

/** The webhook endpoints over real HTTP against the real proxy (sync module, database, queue). */
describe.each(DATABASE_KINDS)('webhook endpoints on %s', (kind) => {
  let h: SyncHarness;
  let secret: string;
  let amoSecret: string;
  beforeAll(async () => {
    h = await startSyncHarness(kind, { seed: { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 2, sales: 1 } });
    await h.importDone();
    await h.queueIdle();
    secret = (await h.proxy.context.accounts.webhookSecret(ACCOUNT_ID, 'moysklad'))!;
    amoSecret = (await h.proxy.context.accounts.webhookSecret(ACCOUNT_ID, 'amocrm'))!;
  });
  afterAll(async () => {
    await h?.close();
  });

  const product = () => h.ms.list('product')[0]!;
  const msEvent = (overrides: Record<string, unknown> = {}) => ({
    meta: { type: 'product', href: String((product().meta as { href: string }).href) },
    action: 'UPDATE',
    accountId: DEFAULT_ACCOUNT_ID,
    ...overrides,
  });
  const msBody = (events: unknown[]) => JSON.stringify({ auditContext: { meta: { type: 'audit', href: 'http://x/audit/1' }, moment: '2026-11-28 10:00:00', uid: 'admin@demo' }, events });
  const postMs = (body: string, options: { secret?: string; accountId?: number; requestId?: string | null; contentType?: string } = {}) => {
    const query = options.requestId === null ? '' : `?requestId=${options.requestId ?? randomUUID()}`;
    return fetch(`${h.proxy.url}/webhooks/moysklad/${options.accountId ?? ACCOUNT_ID}/${options.secret ?? secret}${query}`, {
      method: 'POST',
      headers: { 'Content-Type': options.contentType ?? 'application/json' },
      body,
    });
  };
  const postAmo = (body: string, options: { secret?: string; contentType?: string } = {}) =>
    fetch(`${h.proxy.url}/webhooks/amocrm/${ACCOUNT_ID}/${options.secret ?? amoSecret}`, {
      method: 'POST',
      headers: { 'Content-Type': options.contentType ?? 'application/x-www-form-urlencoded' },
      body,
    });
  const jobCount = async (kind: string, fragment: string) => {
    const rows = await h.database.db.selectFrom('jobs').select('payload_json').where('kind', '=', kind).execute();
    return rows.filter((row) => row.payload_json.includes(fragment)).length;
  };
  // Jobs a webhook can create (the scheduler adds reconcile jobs on its own, so those are not counted).
  const allJobs = async () =>
    Number((await h.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', 'in', ['sync.entity', 'sync.amo_product_deleted']).executeTakeFirstOrThrow()).n);

  it('answers 404 to a wrong secret or an unknown account and enqueues nothing', async () => {
    const before = await allJobs();
    expect((await postMs(msBody([msEvent()]), { secret: `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}` })).status).toBe(404);
    expect((await postMs(msBody([msEvent()]), { secret: 'short' })).status).toBe(404);
    expect((await postMs(msBody([msEvent()]), { accountId: ACCOUNT_ID + 1 })).status).toBe(404);
    expect((await postAmo(`account[id]=${ACCOUNT_ID}&catalogs[delete][0][id]=5`, { secret: 'x'.repeat(32) })).status).toBe(404);
    expect(await allJobs()).toBe(before);
  });

  it('enqueues one job per requestId: a redelivery with the same id is dropped, a new id is not', async () => {
    const id = String(product().id);
    const requestId = randomUUID();
    const before = await jobCount('sync.entity', id);
    expect((await postMs(msBody([msEvent()]), { requestId })).status).toBe(200);
    await h.queueIdle(); // the first job ran, so the job key no longer hides a second one
    expect((await postMs(msBody([msEvent()]), { requestId })).status).toBe(200);
    expect(await jobCount('sync.entity', id)).toBe(before + 1);
    expect((await postMs(msBody([msEvent()]))).status).toBe(200);
    expect(await jobCount('sync.entity', id)).toBe(before + 2);
    await h.queueIdle();
  });

  it('ignores events of another МойСклад account and types it does not sync', async () => {
    // Connect learned the МойСклад account id (the connection was stored without it).
    expect((await h.proxy.context.accounts.find(ACCOUNT_ID))?.moyskladAccountId).toBe(DEFAULT_ACCOUNT_ID);
    const id = String(product().id);
    const before = await jobCount('sync.entity', id);
    const other = msEvent({ accountId: '00000000-0000-4000-8000-000000000000' });
    const unsynced = msEvent({ meta: { type: 'customerorder', href: 'http://127.0.0.1/api/remap/1.2/entity/customerorder/abc' } });
    expect((await postMs(msBody([other, unsynced]))).status).toBe(200);
    expect(await jobCount('sync.entity', id)).toBe(before);
    expect(await jobCount('sync.entity', 'customerorder')).toBe(0);
  });

  it('answers 400, never 5xx, to malformed bodies', async () => {
    const before = await allJobs();
    const bad: { body: string; contentType?: string; requestId?: string | null }[] = [
      { body: '{"events": [' },
      { body: 'null' },
      { body: '[]' },
      { body: JSON.stringify({ events: 'nope' }) },
      { body: JSON.stringify({ events: [{ meta: { type: 'product' }, action: 'UPDATE' }] }) },
      { body: msBody([msEvent({ action: 42 })]) },
      { body: msBody([msEvent()]), requestId: null },
      { body: 'events=1', contentType: 'application/x-www-form-urlencoded' },
      { body: 'x'.repeat(300_000) },
    ];
    for (const { body, contentType, requestId } of bad) {
      const answer = await postMs(body, { ...(contentType ? { contentType } : {}), ...(requestId !== undefined ? { requestId } : {}) });
      expect([400, 413, 415], `${body.slice(0, 60)} → ${answer.status}`).toContain(answer.status);
    }
    for (const body of ['', 'account[id]=abc', `account[id]=${ACCOUNT_ID + 5}&catalogs[delete][0][id]=1`, `account[id]=${ACCOUNT_ID}&catalogs[delete][0][id]=-3`]) {
      const answer = await postAmo(body);
      expect(answer.status, `${body} → ${answer.status}`).toBe(400);
    }
    expect((await postAmo('{"account":', { contentType: 'application/json' })).status).toBe(400);
    expect(await allJobs()).toBe(before);
  });

  it('turns amoCRM form-encoded catalogs[delete] into the delete job', async () => {
    const body = `catalogs[delete][0][id]=987654&catalogs[delete][0][catalog_id]=1&catalogs[delete][0][name]=${encodeURIComponent('Товар')}&account[id]=${ACCOUNT_ID}&account[subdomain]=demo`;
    expect((await postAmo(body)).status).toBe(200);
    const rows = await h.database.db.selectFrom('jobs').select(['payload_json', 'state']).where('kind', '=', 'sync.amo_product_deleted').execute();
    expect(rows.map((row) => JSON.parse(row.payload_json))).toContainEqual({ accountId: ACCOUNT_ID, elementId: 987654 });
    // An element we never linked: the job finishes with nothing to do in МойСклад.
    await h.queueIdle();
    expect(h.ms.list('product').length).toBeGreaterThan(0);
    const done = await h.database.db.selectFrom('jobs').select('state').where('kind', '=', 'sync.amo_product_deleted').execute();
    expect(done.map((row) => row.state)).toEqual(['completed']);
  });

  it('each service has its own secret: the МойСклад one does not open the amoCRM URL, nor the other way round', async () => {
    expect(amoSecret).not.toBe(secret);
    const before = await allJobs();
    expect((await postAmo(`account[id]=${ACCOUNT_ID}&catalogs[delete][0][id]=5`, { secret })).status).toBe(404);
    expect((await postMs(msBody([msEvent()]), { secret: amoSecret })).status).toBe(404);
    expect(await allJobs()).toBe(before);
  });

  it('refuses an event whose href names no МойСклад entity id (`..`, another type, not a UUID) and enqueues nothing', async () => {
    const before = await allJobs();
    const base = String((product().meta as { href: string }).href).replace(/\/[^/]+$/, '');
    for (const href of [`${base}/..`, `${base}/../../context/employee`, `${base.replace('/product', '/counterparty')}/${String(product().id)}`, `${base}/not-a-uuid`, `${base}/`]) {
      const answer = await postMs(msBody([msEvent({ meta: { type: 'product', href } })]));
      expect(answer.status, href).toBe(400);
    }
    expect(await allJobs()).toBe(before);
  });

  it('a forged amoCRM deletion of an element that still exists archives nothing in МойСклад; a real one does', async () => {
    const links = await h.links('product');
    const [moyskladId, elementId] = [...links.entries()][0]!;
    const archived = () => (h.ms.get('product', moyskladId) as { archived?: boolean } | undefined)?.archived === true || h.ms.get('product', moyskladId) === undefined;
    expect((await postAmo(`account[id]=${ACCOUNT_ID}&catalogs[delete][0][id]=${elementId}`)).status).toBe(200);
    await h.queueIdle();
    expect(archived()).toBe(false);
    expect((await h.links('product')).get(moyskladId)).toBe(elementId);

    // A real deletion: the element is gone when the webhook job re-reads it (a UI-configured hook would send this).
    expect(h.amo.deleteCatalogElementAsUser('demo', elementId)).toBe(true);
    expect((await postAmo(`account[id]=${ACCOUNT_ID}&catalogs[delete][0][id]=${elementId}`)).status).toBe(200);
    await h.queueIdle();
    expect(archived()).toBe(true);
  });

  it('a revoked account’s webhooks are refused and enqueue nothing, even with its current secret', async () => {
    const before = await allJobs();
    // Marked revoked the way the revoke hook leaves it, secrets kept: the route itself must refuse.
    await h.database.db.updateTable('accounts').set({ status: 'revoked' }).where('id', '=', ACCOUNT_ID).execute();
    try {
      expect((await postMs(msBody([msEvent()]))).status).toBe(404);
      expect((await postAmo(`account[id]=${ACCOUNT_ID}&catalogs[delete][0][id]=5`)).status).toBe(404);
      expect(await allJobs()).toBe(before);
    } finally {
      await h.database.db.updateTable('accounts').set({ status: 'active' }).where('id', '=', ACCOUNT_ID).execute();
    }
  });
});
