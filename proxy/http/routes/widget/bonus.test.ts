import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AccountsRepository } from '../../../db/repositories/accounts.js';
import { describeEachDatabase } from '../../../test-support/databases.js';
import { SANDBOX_LOGIN, SANDBOX_PASSWORD, startHarness, type Harness } from './test-harness.js';

const ACCOUNT = 4242;
const admin = { accountId: ACCOUNT, isAdmin: true, userId: 77 };
const user = { accountId: ACCOUNT, isAdmin: false, userId: 78 };

describeEachDatabase('bonus operations', (kind) => {
  let h: Harness;
  let counterpartyId: string;
  beforeEach(async () => {
    h = await startHarness(kind, { emulator: { maxBonusBalance: 5_000 } });
    h.emulator.ui.createBonusProgram({ name: 'Бонусы', active: true, allAgents: true, earnRateRoublesToPoint: 1, spendRatePointsToRouble: 1, maxPaidRatePercents: 50 });
    counterpartyId = await h.seedBuyer({ accountId: ACCOUNT, amoCustomerId: 9001 });
    const connected = await h.call('POST', '/api/widget/connection', { claims: admin, body: { login: SANDBOX_LOGIN, password: SANDBOX_PASSWORD } });
    expect(connected.status).toBe(200);
  });
  afterEach(async () => h?.close());

  const bonusTransactions = () => h.emulator.list('bonustransaction');

  it('50 concurrent accruals with one Idempotency-Key make ONE МойСклад transaction and 50 identical answers', async () => {
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': key }, body: { operation: 'accrue', amount: 100, comment: 'за отзыв' } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const bodies = new Set(answers.map((a) => a.text));
    expect(bodies.size).toBe(1);
    expect(answers[0]?.json).toMatchObject({ points: 100, status: 'completed' });
    expect(bonusTransactions()).toHaveLength(1);
    expect(bonusTransactions()[0]).toMatchObject({ transactionType: 'EARNING', bonusValue: 100 });
    expect(String(bonusTransactions()[0]?.description)).toContain('78');

    // The same key later: the stored answer again, still one transaction.
    const again = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': key }, body: { operation: 'accrue', amount: 100, comment: 'за отзыв' } });
    expect(again.text).toBe(answers[0]?.text);
    expect(bonusTransactions()).toHaveLength(1);

    // Logged with the amoCRM user id; an amoCRM note is queued.
    const log = await h.database.db.selectFrom('operation_log').selectAll().where('kind', '=', 'bonus.accrue').execute();
    expect(log).toHaveLength(1);
    expect(Number(log[0]?.user_id)).toBe(78);
    const jobs = await h.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'amocrm.customer_note').execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.ordering_key).toBe(`${ACCOUNT}:customer:9001`); // the live lane: in order per customer, never behind bulk work
    expect(JSON.parse(jobs[0]!.payload_json)).toMatchObject({ amoCustomerId: 9001 });
    // …and the sync is asked to refresh the amoCRM points field from this transaction (no webhook comes for our own write).
    const refresh = await h.database.db.selectFrom('jobs').select('payload_json').where('kind', '=', 'sync.entity').execute();
    expect(refresh.map((job) => JSON.parse(job.payload_json))).toEqual([{ accountId: ACCOUNT, entityType: 'bonustransaction', id: bonusTransactions()[0]?.id, action: 'CREATE' }]);
    // The card shows the new balance from the read model.
    const card = await h.call('GET', '/api/widget/customers/9001/card', { claims: user });
    expect(card.json.points).toBe(100);
    // The МойСклад token used for all of this never reached a log line.
    const token = await new AccountsRepository(h.database.db, h.secrets).moyskladToken(ACCOUNT);
    expect(token).toBeTruthy();
    expect(h.logLines.join('\n')).not.toContain(token!);
  });

  it('the same key with a different request is refused, and nothing is written', async () => {
    const key = randomUUID();
    await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': key }, body: { operation: 'accrue', amount: 10 } });
    const reused = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': key }, body: { operation: 'accrue', amount: 11 } });
    expect(reused.status).toBe(422);
    expect(reused.json.code).toBe('idempotency_key_reused');
    expect(bonusTransactions()).toHaveLength(1);
  });

  it('requires an Idempotency-Key', async () => {
    const response = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, body: { operation: 'accrue', amount: 10 } });
    expect(response.status).toBe(400);
    expect(response.json.code).toBe('idempotency_key_required');
    expect(bonusTransactions()).toHaveLength(0);
  });

  it('redeem never exceeds the live balance', async () => {
    await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'accrue', amount: 30 } });
    const tooMuch = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'redeem', amount: 31 } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.json.code).toBe('bonus_insufficient_points');
    // Two redeems with different keys at once. Every МойСклад call takes 100 ms, so without the per-buyer lock the
    // second would read the balance (30) before the first spends and be refused only by МойСклад (bonus_rejected).
    // With the lock it reads the balance after the first redeem and is refused by our own check.
    h.emulator.faults = { latencyMs: 100 };
    const concurrent = await Promise.all(
      [20, 20].map((amount) => h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'redeem', amount } })),
    );
    h.emulator.faults = {};
    expect(concurrent.map((a) => a.status).sort()).toEqual([200, 422]);
    expect(concurrent.find((a) => a.status === 422)?.json.code).toBe('bonus_insufficient_points');
    expect(bonusTransactions().filter((t) => (t as { transactionType?: string }).transactionType === 'SPENDING')).toHaveLength(1);
    const counterparty = h.emulator.get('counterparty', counterpartyId) as { bonusPoints?: number };
    expect(counterparty.bonusPoints).toBe(10);
  });

  it('МойСклад refusals become clear messages: max balance (62004) and no active program', async () => {
    const over = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': randomUUID(), 'Accept-Language': 'en' }, body: { operation: 'accrue', amount: 6_000 } });
    expect(over.status).toBe(422);
    expect(over.json).toMatchObject({ code: 'bonus_max_balance_exceeded' });
    expect(over.json.detail).toContain('62004');

    const program = h.emulator.list('bonusprogram')[0] as { id: string };
    h.emulator.ui.updateBonusProgram(program.id, { active: false });
    const inactive = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'accrue', amount: 5 } });
    expect(inactive.status).toBe(422);
    expect(inactive.json.code).toBe('bonus_program_inactive');
    expect(bonusTransactions()).toHaveLength(0);
  });

  it('out-of-bounds, fractional and string amounts are refused before anything happens', async () => {
    for (const amount of [0, -5, 1.5, 100_001, '10', null, 1e309]) {
      const response = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: user, headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'accrue', amount } });
      expect(response.status, String(amount)).toBe(400);
      expect(response.json.code).toBe('validation_failed');
    }
    expect(bonusTransactions()).toHaveLength(0);
  });

  it('account A cannot operate on or read account B’s customer (404)', async () => {
    const other = { accountId: 5555, userId: 1, isAdmin: true, subdomain: 'other' };
    await h.seedBuyer({ accountId: 5555, amoCustomerId: 9002, subdomain: 'other' }); // a connected account of its own
    for (const [method, path] of [['GET', '/api/widget/customers/9001/card'], ['GET', '/api/widget/customers/9001/purchases'], ['GET', '/api/widget/customers/9001/bonus-operations']] as const) {
      const response = await h.call(method, path, { claims: other });
      expect(response.status).toBe(404);
      expect(response.json.code).toBe('customer_not_linked');
    }
    const bonus = await h.call('POST', '/api/widget/customers/9001/bonus', { claims: other, headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'accrue', amount: 5 } });
    expect(bonus.status).toBe(404);
    expect(bonusTransactions()).toHaveLength(0);
  });

  it('a manager cannot move unlimited points: per-operation and per-user daily caps, set by the admin, hold even for parallel requests', async () => {
    const accrue = (amount: number, claims = user) =>
      h.call('POST', '/api/widget/customers/9001/bonus', { claims, headers: { 'Idempotency-Key': randomUUID(), 'Accept-Language': 'en' }, body: { operation: 'accrue', amount } });
    // The attack: 100,000 points per request, repeatedly.
    const huge = await accrue(100_000);
    expect(huge.status).toBe(422);
    expect(huge.json.code).toBe('bonus_operation_limit_exceeded');
    expect(bonusTransactions()).toHaveLength(0);

    const settings = { referralBonusNew: 0, referralBonusReferrer: 0, referrerRewardAt: 'signup', priceTypeId: null, bonusMaxPerOperation: 300, bonusMaxPerUserPerDay: 1_000 };
    expect((await h.call('PUT', '/api/widget/settings', { claims: admin, body: settings })).status).toBe(200);
    expect((await h.call('GET', '/api/widget/customers/9001/card', { claims: user })).json.bounds).toEqual({ minAmount: 1, maxAmount: 300 });
    expect((await accrue(301)).json.code).toBe('bonus_operation_limit_exceeded');

    // Ten parallel accruals of 300 against a daily cap of 1,000: three pass, whatever the interleaving.
    const parallel = await Promise.all(Array.from({ length: 10 }, () => accrue(300)));
    expect(parallel.filter((answer) => answer.status === 200)).toHaveLength(3);
    expect(parallel.filter((answer) => answer.status === 422 && answer.json.code === 'bonus_daily_limit_exceeded')).toHaveLength(7);
    expect((await accrue(100)).status).toBe(200); // 1,000 reached exactly
    expect((await accrue(1)).json.code).toBe('bonus_daily_limit_exceeded');
    expect(bonusTransactions()).toHaveLength(4);
    // The cap is per user: another manager still has a day's allowance.
    expect((await accrue(300, { ...user, userId: 79 })).status).toBe(200);
    // A refused МойСклад operation gives its reservation back.
    expect((await h.call('POST', '/api/widget/customers/9001/bonus', { claims: { ...user, userId: 80 }, headers: { 'Idempotency-Key': randomUUID() }, body: { operation: 'redeem', amount: 300 } })).status).toBe(200);
    h.emulator.ui.updateBonusProgram((h.emulator.list('bonusprogram')[0] as { id: string }).id, { active: false });
    expect((await accrue(300, { ...user, userId: 81 })).json.code).toBe('bonus_program_inactive');
    const left = await h.database.db.selectFrom('daily_counters').select(['subject', 'amount']).where('subject', '=', 'bonus:accrue:user:81').execute();
    expect(left.map((row) => Number(row.amount))).toEqual([0]);
  });
});
