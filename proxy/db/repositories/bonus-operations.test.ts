import { beforeEach, expect, it } from 'vitest';
import { parseMoscow, toMoscowIso } from '../../moysklad/moscow-time.js';
import { describeEachDatabase, useTestDatabase } from '../../test-support/databases.js';
import { BonusOperationsRepository, type BonusOperationRow } from './bonus-operations.js';

/** A row as the sync would build it from a МойСклад transaction: Moscow time in, both forms out. */
function row(id: string, moyskladMoment: string, overrides: Partial<BonusOperationRow> = {}): BonusOperationRow {
  const at = parseMoscow(moyskladMoment);
  return {
    id,
    buyerMoyskladId: 'buyer-1',
    momentMs: at.getTime(),
    moment: toMoscowIso(at),
    type: 'EARNING',
    value: 10,
    status: 'COMPLETED',
    retailDemandId: null,
    author: null,
    comment: null,
    ...overrides,
  };
}

describeEachDatabase('bonus operations read model', (kind) => {
  const database = useTestDatabase(kind);
  let clock: number;
  const repository = () => new BonusOperationsRepository(database().db, () => clock);

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    const { db } = database();
    for (const id of [1, 2]) {
      await db.insertInto('accounts').values({ id, subdomain: `shop${id}`, status: 'active', needs_reinstall: 0, needs_reauth: 0, settings_json: '{}', webhook_secret_enc: 'x', created_at: clock, updated_at: clock }).execute();
    }
    await db
      .insertInto('purchases')
      .values({ account_id: 1, id: 'sale-7', buyer_moysklad_id: 'buyer-1', number: '00007', moment: '2026-03-02T12:30:00.000+03:00', moment_ms: Date.parse('2026-03-02T09:30:00Z'), sum_kopecks: 100_00, points_earned: 0, points_spent: 0, returned: 0, updated_at: clock })
      .execute();
  });

  it('pages a buyer’s operations newest first, with the Moscow moment, the sale number and the author', async () => {
    const repo = repository();
    await repo.upsertBonusOperations(1, [
      row('tx-a', '2026-03-01 10:00:00'),
      row('tx-b', '2026-03-02 12:30:00', { type: 'SPENDING', value: 40, retailDemandId: 'sale-7' }),
      row('tx-c', '2026-03-03 09:15:00.250', { author: { amoUserId: 5000001, name: 'Анна Админова' }, comment: 'за отзыв', value: 25 }),
      // Same moment as tx-a: the id breaks the tie, so no row is skipped or repeated across pages.
      row('tx-d', '2026-03-01 10:00:00'),
      row('tx-other-buyer', '2026-03-04 10:00:00', { buyerMoyskladId: 'buyer-2' }),
    ]);
    await repo.upsertBonusOperations(2, [row('tx-other-account', '2026-03-05 10:00:00')]);

    const first = await repo.listBonusOperations(1, 'buyer-1', { cursor: null, limit: 2 });
    expect(first.items.map((item) => item.id)).toEqual(['tx-c', 'tx-b']);
    expect(first.items[0]).toEqual({
      id: 'tx-c',
      buyerMoyskladId: 'buyer-1',
      momentMs: Date.parse('2026-03-03T06:15:00.250Z'),
      moment: '2026-03-03T09:15:00.250+03:00',
      type: 'EARNING',
      value: 25,
      status: 'COMPLETED',
      retailDemandId: null,
      author: { amoUserId: 5000001, name: 'Анна Админова' },
      comment: 'за отзыв',
      purchaseNumber: null,
    });
    expect(first.items[1]).toMatchObject({ type: 'SPENDING', value: 40, retailDemandId: 'sale-7', purchaseNumber: '00007', author: null });
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await repo.listBonusOperations(1, 'buyer-1', { cursor: first.nextCursor, limit: 2 });
    expect(second.items.map((item) => item.id)).toEqual(['tx-d', 'tx-a']);
    expect(second.nextCursor).toBeNull();
    // Another account's rows never show, even for the same buyer id.
    expect((await repo.listBonusOperations(2, 'buyer-1', { cursor: null, limit: 10 })).items.map((item) => item.id)).toEqual(['tx-other-account']);
    // A cursor this API did not make reads as the first page.
    expect((await repo.listBonusOperations(1, 'buyer-1', { cursor: 'garbage', limit: 1 })).items.map((item) => item.id)).toEqual(['tx-c']);
  });

  it('an upsert by the sync updates status and value but keeps the author and comment the widget wrote', async () => {
    const repo = repository();
    const fromWidget = row('tx-1', '2026-03-01 10:00:00', { author: { amoUserId: 5000002, name: 'Борис Менеджеров' }, comment: 'подарок', status: 'WAIT_PROCESSING' });
    await repo.upsertBonusOperations(1, [fromWidget]);
    clock += 1000;
    // The sync reads the same transaction back from МойСклад: no author, our generated description as comment.
    await repo.upsertBonusOperations(1, [{ ...fromWidget, author: null, comment: 'Начисление из amoCRM (Борис Менеджеров): подарок', status: 'COMPLETED', retailDemandId: null }]);
    const [item] = (await repo.listBonusOperations(1, 'buyer-1', { cursor: null, limit: 5 })).items;
    expect(item).toMatchObject({ status: 'COMPLETED', author: { amoUserId: 5000002, name: 'Борис Менеджеров' }, comment: 'подарок' });
    const stored = await database().db.selectFrom('bonus_operations').select('updated_at').where('id', '=', 'tx-1').executeTakeFirstOrThrow();
    expect(Number(stored.updated_at)).toBe(clock);

    // A till operation has no author: the sync's comment and sale link simply win, and a repeated upsert is a no-op.
    const tillRow = row('tx-2', '2026-03-02 12:30:00', { comment: 'с кассы', retailDemandId: 'sale-7' });
    await repo.upsertBonusOperations(1, [tillRow]);
    await repo.upsertBonusOperations(1, [{ ...tillRow, comment: 'исправлено в МойСклад' }]);
    await repo.upsertBonusOperations(1, [{ ...tillRow, comment: 'исправлено в МойСклад' }]);
    const items = (await repo.listBonusOperations(1, 'buyer-1', { cursor: null, limit: 5 })).items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ id: 'tx-2', comment: 'исправлено в МойСклад', purchaseNumber: '00007' });
  });

  it('writes large batches in chunks and refuses a row without a positive integer value', async () => {
    const repo = repository();
    const many = Array.from({ length: 450 }, (_, index) => row(`tx-${String(index).padStart(3, '0')}`, '2026-03-01 10:00:00'));
    await repo.upsertBonusOperations(1, many);
    const { n } = await database().db.selectFrom('bonus_operations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(450);
    await expect(repo.upsertBonusOperations(1, [row('tx-bad', '2026-03-01 10:00:00', { value: 0 })])).rejects.toThrow(RangeError);
    await expect(repo.upsertBonusOperations(1, [row('tx-bad', '2026-03-01 10:00:00', { value: 1.5 })])).rejects.toThrow(RangeError);
  });
});
