import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDisposableToken } from '../../bench/support/disposable-token.js';
import { ACCOUNT_ID, ADMIN_USER_ID, SUBDOMAIN, type Stack } from '../../bench/support/stack.js';
import { importedStack } from './support/fixture.js';
import { hostileRequests } from './support/hostile-requests.js';
import { recordScenario } from './support/record.js';

const REQUESTS = 600;
const SEED = 20261128;

/** Routes the OpenAPI document does not list (hooks, webhooks, public pages, probes). */
const EXTRA_ROUTES = [
  'GET /amocrm/install',
  'GET /amocrm/revoke',
  'POST /webhooks/moysklad/:accountId/:secret',
  'POST /webhooks/amocrm/:accountId/:secret',
  'GET /r/:code',
  'POST /r/:code',
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.json',
];

describe('random and malformed requests on every proxy endpoint', () => {
  let stack: Stack;
  beforeAll(async () => {
    ({ stack } = await importedStack({ seed: { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 0 } }));
  });
  afterAll(async () => stack?.close());

  it('never answers 5xx and stays alive', async () => {
    const openapi = (await (await fetch(`${stack.proxyUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(openapi.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    const routes = [...documented, ...EXTRA_ROUTES];
    // A valid disposable token signed like amoCRM's (same secret the emulator uses), so requests get past auth.
    const secret = (stack.proxies[0]!.context.config.AMOCRM_CLIENT_SECRET);
    const party = { clientId: stack.proxies[0]!.context.config.AMOCRM_CLIENT_ID, clientSecret: secret, publicUrl: stack.proxyUrl, baseUrlTemplate: stack.proxies[0]!.context.config.AMOCRM_BASE_URL_TEMPLATE, accountId: ACCOUNT_ID, userId: ADMIN_USER_ID, subdomain: SUBDOMAIN, isAdmin: true };
    const requests = hostileRequests(routes, REQUESTS, SEED, () => signDisposableToken(party));
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    let transportErrors = 0;
    // Four at a time: enough to interleave, bounded for the shared machine.
    for (let i = 0; i < requests.length; i += 4) {
      await Promise.all(
        requests.slice(i, i + 4).map(async (request) => {
          try {
            const response = await fetch(`${stack.proxyUrl}${request.path}`, { method: request.method, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}), signal: AbortSignal.timeout(15_000) });
            await response.arrayBuffer();
            const bucket = `${Math.floor(response.status / 100)}xx`;
            statuses[bucket] = (statuses[bucket] ?? 0) + 1;
            if (response.status >= 500) failures.push(`${response.status} ${request.label}`);
          } catch (error) {
            transportErrors += 1;
            failures.push(`transport ${(error as Error).message} ${request.label}`);
          }
        }),
      );
    }
    const alive = (await fetch(`${stack.proxyUrl}/healthz`)).status === 200;
    recordScenario('hostileInput', {
      requests: REQUESTS,
      routes: routes.length,
      seed: SEED,
      statuses,
      fiveXx: failures.filter((f) => !f.startsWith('transport')).length,
      transportErrors,
      alive,
      firstFailures: failures.slice(0, 10),
    });
    expect(failures).toEqual([]);
    expect(alive).toBe(true);
  });
});
