import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkedCustomer } from '../../bench/support/amo-view.js';
import { ACCOUNT_ID, ADMIN_USER_ID, SUBDOMAIN, type Stack } from '../../bench/support/stack.js';
import { importedStack, tillParticipants } from './support/fixture.js';
import { recordScenario } from './support/record.js';

const CONCURRENT = 50;

describe('50 concurrent accruals with one Idempotency-Key', () => {
  let stack: Stack;
  beforeAll(async () => {
    ({ stack } = await importedStack({ seed: { buyers: 3, legalEntities: 0, entrepreneurs: 0, products: 3, sales: 0 } }));
  });
  afterAll(async () => stack?.close());

  it('make exactly one МойСклад bonus transaction and one answer', async () => {
    const buyer = tillParticipants(stack).buyers[0]!;
    const customerId = await linkedCustomer(stack.proxies[0]!, ACCOUNT_ID, buyer.id);
    expect(customerId).not.toBeNull();
    const transactionsOf = () => (stack.ms.list('bonustransaction') as Array<{ agent?: { meta: { href: string } } }>).filter((t) => t.agent?.meta.href.endsWith(`/${buyer.id}`)).length;
    const before = transactionsOf();
    const key = randomUUID();
    // Tokens first, so the 50 requests leave together (a fresh jti each: the proxy refuses replays).
    const tokens = await Promise.all(Array.from({ length: CONCURRENT }, () => stack.amo.issueDisposableToken(SUBDOMAIN, ADMIN_USER_ID)));
    const answers = await Promise.all(
      tokens.map(async (token) => {
        const response = await fetch(`${stack.proxyUrl}/api/widget/customers/${customerId}/bonus`, {
          method: 'POST',
          headers: { 'X-Auth-Token': token, 'Idempotency-Key': key, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ operation: 'accrue', amount: 25, comment: 'resilience' }),
        });
        const json = (await response.json().catch(() => null)) as { operationId?: string; code?: string } | null;
        return { status: response.status, operationId: json?.operationId ?? null, code: json?.code ?? null };
      }),
    );
    const created = transactionsOf() - before;
    const statuses: Record<string, number> = {};
    for (const a of answers) {
      const label = a.code ? `${a.status} ${a.code}` : String(a.status);
      statuses[label] = (statuses[label] ?? 0) + 1;
    }
    const operationIds = new Set(answers.filter((a) => a.status === 200).map((a) => a.operationId));
    recordScenario('idempotentAccruals', {
      requests: CONCURRENT,
      moyskladTransactionsCreated: created,
      lost: created === 0 ? 1 : 0,
      duplicated: Math.max(0, created - 1),
      statuses,
      distinctOperationIdsIn200s: operationIds.size,
      fiveXx: answers.filter((a) => a.status >= 500).length,
    });
    expect(created).toBe(1);
    // One operation, and callers were told about it: every answer is that operation (200) or, for a duplicate
    // that waited past its limit, "still in progress" — never another operation, never an error.
    expect(operationIds.size).toBe(1);
    expect(answers.filter((a) => !(a.status === 200 || (a.status === 409 && a.code === 'idempotency_in_progress')))).toEqual([]);
  });
});
