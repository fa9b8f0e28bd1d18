import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../test-support/databases.js';
import { amoAsUser, elements, type Entity } from '../test-support/amo-state.js';
import { ACCOUNT_ID, startSyncHarness, SUBDOMAIN, type SyncHarness } from '../test-support/sync-harness.js';

const SEED = { buyers: 2, legalEntities: 0, entrepreneurs: 0, products: 8, sales: 1 };

type GroupNode = { id: number; value: string; parent_id?: number | null };
type Wire = { method: string; route: string; ui?: boolean };
const idOf = (ref: unknown) => String((ref as { meta: { href: string } }).meta.href).split('/').pop()!;

const groupField = (h: SyncHarness) => h.amo.store.catalogCustomFields(SUBDOMAIN).find((f) => f.code === 'GROUP') as { id: number; nested?: GroupNode[] | null };
const nodes = (h: SyncHarness) => groupField(h).nested ?? [];
const pathOf = (h: SyncHarness, id: number | undefined): string[] => {
  const all = nodes(h);
  const path: string[] = [];
  for (let node = all.find((n) => n.id === id); node; node = all.find((n) => n.id === node!.parent_id)) path.unshift(node.value);
  return path;
};
const groupOf = (element: Entity) =>
  (element.custom_fields_values as { field_code?: string; values?: { enum_id?: number }[] }[] | null)?.find((f) => f.field_code === 'GROUP')?.values?.[0]?.enum_id;
const nodeAt = (h: SyncHarness, path: readonly string[]) => nodes(h).find((n) => pathOf(h, n.id).join('/') === path.join('/'));

describe.each(DATABASE_KINDS)('the GROUP tree after folder renames on %s', (kind) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('removes the nodes we made that hold nothing any more, never the shop\'s own, nor ours that hold the shop\'s products', async () => {
    h = await startSyncHarness(kind, { seed: SEED, connect: false });
    const harness = h;
    const catalogId = harness.amo.store.productsCatalogId(SUBDOMAIN);
    // The shop's own node, before the widget: unused, and it must stay.
    await amoAsUser(harness, 'PATCH', `/api/v4/catalogs/${catalogId}/custom_fields`, [{ id: groupField(harness).id, nested: [...nodes(harness).map((n) => ({ id: n.id, value: n.value, parent_id: n.parent_id ?? null })), { value: 'Подарки магазина' }] }]);
    await harness.connect();
    await harness.settle();

    // Two folders that hold products; the shop puts one of its own products into the second one's node.
    const products = harness.ms.list('product').filter((p) => !p.archived && p.productFolder);
    const byFolder = new Map<string, string[]>();
    for (const product of products) byFolder.set(idOf(product.productFolder), [...(byFolder.get(idOf(product.productFolder)) ?? []), String(product.id)]);
    const folders = [...byFolder.entries()];
    const [renamedId, renamedProducts] = folders[0]!;
    const [sharedId] = folders[1]!;
    const links = await harness.links('product');
    const before = (productId: string) => pathOf(harness, groupOf(elements(harness).find((e) => e.id === links.get(productId))!));
    const oldPath = before(renamedProducts[0]!);
    const sharedPath = before(byFolder.get(sharedId)![0]!);
    expect(nodeAt(harness, oldPath)).toBeDefined();
    await amoAsUser(harness, 'POST', `/api/v4/catalogs/${catalogId}/elements`, [{ name: 'Сертификат магазина', custom_fields_values: [{ field_code: 'GROUP', values: [{ enum_id: nodeAt(harness, sharedPath)!.id }] }] }]);

    harness.ms.ui.updateProductFolder(renamedId, { name: 'Переименованная группа' });
    harness.ms.ui.updateProductFolder(sharedId, { name: 'Вторая переименованная' });
    await harness.queueIdle();
    const newPath = [...oldPath.slice(0, -1), 'Переименованная группа'];
    for (const productId of renamedProducts) expect(before(productId)).toEqual(newPath);
    // The rename alone leaves the old nodes (amoCRM tells us nothing about elements; the sweep lists them).
    expect(nodeAt(harness, oldPath)).toBeDefined();

    const amoFrom = harness.amo.requestLog(SUBDOMAIN).length;
    await harness.sweepCatalog();
    expect(nodeAt(harness, oldPath)).toBeUndefined();
    expect(nodeAt(harness, newPath)).toBeDefined();
    expect(nodeAt(harness, ['Подарки магазина'])).toBeDefined();
    expect(nodeAt(harness, sharedPath)).toBeDefined(); // ours, but it holds the shop's product
    for (const productId of renamedProducts) expect(before(productId)).toEqual(newPath);
    const writes = (harness.amo.requestLog(SUBDOMAIN) as Wire[]).slice(amoFrom).filter((entry) => !entry.ui && entry.method !== 'GET');
    expect(writes.map((entry) => `${entry.method} ${entry.route}`)).toEqual(['PATCH /api/v4/catalogs/{id}/custom_fields']);

    // Nothing left to remove: the next sweep writes nothing and asks МойСклад nothing.
    const again = harness.amo.requestLog(SUBDOMAIN).length;
    const msAgain = harness.ms.requestLog.length;
    await harness.sweepCatalog();
    expect((harness.amo.requestLog(SUBDOMAIN) as Wire[]).slice(again).filter((entry) => !entry.ui && entry.method !== 'GET')).toEqual([]);
    expect(harness.ms.requestLog.slice(msAgain)).toEqual([]);
    const log = await harness.database.db.selectFrom('operation_log').select('details_json').where('account_id', '=', ACCOUNT_ID).where('kind', '=', 'sync.group_nodes_removed').execute();
    expect(log).toHaveLength(1);
    expect(await harness.database.db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'failed').execute()).toEqual([]);
  });
});
