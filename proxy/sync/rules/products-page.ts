import type { Product } from '../../moysklad/schemas/entities.js';
import { idFromHref } from '../../moysklad/schemas/common.js';
import { productElement } from '../mapping/product.js';
import type { RuleContext } from '../rule-context.js';
import { clearIntent, hasIntent, recordIntents } from './create-intent.js';
import { FolderCache, syncProduct } from './products.js';

/** One amoCRM write per МойСклад page: a page is ≤ 100 rows, well under amoCRM's 250 per request. */
export const IMPORT_BATCH_SIZE = 100;

/**
 * Rule 2 for one page of the initial import: the same elements as `syncProduct` row by row, but new elements are
 * created in one batch and linked ones updated in another (the import was one request per product, ~3× slower
 * than amoCRM's 7 requests/s allow). New elements are guarded by intent rows; a product left with an intent by a
 * crash goes through `syncProduct`, which searches for the orphan element before creating.
 */
export async function syncProductsPage(ctx: RuleContext, products: readonly Product[], folders: FolderCache): Promise<void> {
  const catalog = await ctx.catalog();
  if (!catalog) return;
  const { accountId, amo, links } = ctx;
  // The GROUP tree is read (and extended) once per distinct folder path of the page, not once per product.
  const groups = new Map<string, number | null>();
  const groupOf = async (product: Product): Promise<number | null> => {
    const folderId = product.productFolder ? idFromHref(product.productFolder.meta.href) : null;
    const path = folderId ? await folders.pathOf(ctx, folderId) : [];
    if (path.length === 0 || catalog.fieldIds.GROUP === undefined) return null;
    const key = path.join('\u0000');
    if (!groups.has(key)) groups.set(key, await amo.catalogs.ensureGroupPath(catalog.catalogId, catalog.fieldIds.GROUP, path));
    return groups.get(key)!;
  };

  const creates: { product: Product; element: ReturnType<typeof productElement> }[] = [];
  const updates: (ReturnType<typeof productElement> & { id: number })[] = [];
  for (const product of products) {
    const elementId = await links.amoIdFor(accountId, 'product', product.id);
    if (elementId === null && product.archived) continue;
    if (elementId === null && (await hasIntent(ctx, `product:${product.id}`))) {
      await syncProduct(ctx, product, folders);
      await clearIntent(ctx, `product:${product.id}`);
      continue;
    }
    const element = productElement({ product, priceTypeId: ctx.priceTypeId, fieldIds: catalog.fieldIds, groupEnumId: await groupOf(product) });
    if (elementId === null) creates.push({ product, element });
    else updates.push({ id: elementId, ...element });
  }

  if (creates.length > 0) {
    await recordIntents(ctx, creates.map(({ product }) => `product:${product.id}`));
    const items = creates.map(({ product, element }) => ({ ...element, request_id: product.id }));
    const outcome = await amo.catalogs.createElements(catalog.catalogId, items, { batchSize: IMPORT_BATCH_SIZE });
    // Link rows right after amoCRM answers, before anything else can fail: a retry then updates, never re-creates.
    for (const { item, result } of outcome.done) {
      const moyskladId = creates[items.indexOf(item as (typeof items)[number])]!.product.id;
      await links.link(accountId, 'product', moyskladId, result.id);
      await clearIntent(ctx, `product:${moyskladId}`);
    }
  }
  if (updates.length > 0) await amo.catalogs.updateElements(catalog.catalogId, updates, { batchSize: IMPORT_BATCH_SIZE });
}
