import { AmoError } from '../../amocrm/errors.js';
import type { ProductFolder, Product } from '../../moysklad/schemas/entities.js';
import { idFromHref } from '../../moysklad/schemas/common.js';
import { MAX_BATCH_SIZE } from '../../amocrm/batch.js';
import { forgetGroupTree, groupIdsFor, groupPathKey } from '../amo-catalog.js';
import { folderPath, productElement } from '../mapping/product.js';
import type { RuleContext } from '../rule-context.js';
import { writtenHash } from '../written-hash.js';
import { rejectedAsGone } from './amo-writes.js';
import { reportRejected } from './rejected.js';

/**
 * Folders by id, filled lazily from МойСклад (or preloaded by the import, which has them all) so one product
 * never costs more than the folders of its own path.
 */
export class FolderCache {
  private readonly folders = new Map<string, ProductFolder>();

  constructor(preloaded: Iterable<ProductFolder> = []) {
    for (const folder of preloaded) this.folders.set(folder.id, folder);
  }

  set(folder: ProductFolder): void {
    this.folders.set(folder.id, folder);
  }

  async pathOf(ctx: RuleContext, folderId: string): Promise<string[]> {
    let id: string | undefined = folderId;
    for (let depth = 0; id && depth < 20; depth += 1) {
      let folder = this.folders.get(id);
      if (!folder) {
        folder = await ctx.ms.catalog.getFolder(id);
        this.folders.set(folder.id, folder);
      }
      const parentHref: string | undefined = folder.productFolder?.meta.href;
      id = parentHref ? idFromHref(parentHref) : undefined;
    }
    return folderPath(folderId, this.folders);
  }
}

/**
 * МойСклад products → elements of the amoCRM products catalog (name, SKU, DESCRIPTION, PRICE in roubles of the
 * chosen price type, GROUP = the folder path, EXTERNAL_ID = the МойСклад id), a page at a time (a webhook's product
 * is a page of one). The caller holds the products' leases. Only elements whose payload changed since our last
 * write are sent; new ones are created 250 a request, guarded by intents.
 */
export async function syncProducts(ctx: RuleContext, products: readonly Product[], folders: FolderCache): Promise<void> {
  const catalog = await ctx.catalog();
  if (!catalog) return;
  const { accountId, amo, links } = ctx;
  const unique = [...new Map(products.map((product) => [product.id, product])).values()];
  if (unique.length === 0) return;
  const ids = unique.map((product) => product.id);
  const [linked, intents] = await Promise.all([links.lookup(accountId, 'product', ids), ctx.intents.existing(accountId, ids.map(productIntent))]);

  const paths = new Map<string, string[]>();
  for (const product of unique) {
    const folderId = product.productFolder ? idFromHref(product.productFolder.meta.href) : null;
    paths.set(product.id, folderId ? await folders.pathOf(ctx, folderId) : []);
  }
  const groups = await groupIdsFor(ctx, catalog, [...paths.values()]);

  type Plan = { product: Product; elementId: number | null; element: ReturnType<typeof productElement>; hash: string; written: string | null };
  const plans: Plan[] = [];
  for (const product of unique) {
    const link = linked.get(product.id);
    // Archived products are history: we keep their elements current but do not create new ones for them.
    if (!link && product.archived) continue;
    const path = paths.get(product.id) ?? [];
    const element = productElement({ product, priceTypeId: ctx.priceTypeId, fieldIds: catalog.fieldIds, groupEnumId: path.length > 0 ? (groups.get(groupPathKey(path)) ?? null) : null });
    plans.push({ product, elementId: link?.amoId ?? null, element, hash: writtenHash(element), written: link?.writtenHash ?? null });
  }

  // An earlier attempt may have created the element before crashing: it carries our EXTERNAL_ID.
  for (const plan of plans) {
    if (plan.elementId !== null || !intents.has(productIntent(plan.product.id))) continue;
    const orphan = await findOrphanElement(ctx, catalog.catalogId, plan.product.id);
    if (orphan !== null) {
      plan.elementId = orphan;
      await links.link(accountId, 'product', plan.product.id, orphan);
      await ctx.intents.clear(accountId, [productIntent(plan.product.id)]);
    }
  }

  const creates = plans.filter((plan) => plan.elementId === null);
  if (creates.length > 0) {
    await ctx.intents.record(accountId, creates.map((plan) => productIntent(plan.product.id)));
    ctx.signal?.throwIfAborted();
    const outcome = await amo.catalogs.createElements(
      catalog.catalogId,
      creates.map((plan) => ({ ...plan.element, request_id: plan.product.id })),
      { batchSize: MAX_BATCH_SIZE, skipInvalid: true },
    );
    const byId = new Map(creates.map((plan) => [plan.product.id, plan]));
    const created = outcome.done.map(({ item, result }) => ({ moyskladId: item.request_id!, amoId: result.id, writtenHash: byId.get(item.request_id!)!.hash }));
    // Link rows right after amoCRM answers, before anything else can fail: a retry then updates, never re-creates.
    await links.linkMany(accountId, 'product', created);
    await ctx.intents.clear(accountId, created.map((row) => productIntent(row.moyskladId)));
    await reportProductRejections(ctx, outcome.rejected);
  }

  const updates = plans.filter((plan) => plan.elementId !== null && plan.written !== plan.hash);
  if (updates.length > 0) {
    ctx.signal?.throwIfAborted();
    const outcome = await amo.catalogs.updateElements(
      catalog.catalogId,
      updates.map((plan) => ({ id: plan.elementId!, ...plan.element, request_id: plan.product.id })),
      { batchSize: MAX_BATCH_SIZE, skipInvalid: true },
    );
    const byId = new Map(updates.map((plan) => [plan.product.id, plan]));
    await links.setWrittenHashes(accountId, 'product', outcome.done.map(({ item }) => ({ moyskladId: item.request_id!, writtenHash: byId.get(item.request_id!)!.hash })));
    // An element deleted in amoCRM is not made again: the catalog sweep deletes (or archives) its product instead.
    await reportProductRejections(ctx, outcome.rejected.filter((entry) => !rejectedAsGone(entry)));
  }
}

const productIntent = (id: string) => `product:${id}`;

async function reportProductRejections(ctx: RuleContext, rejected: Parameters<typeof reportRejected>[2]): Promise<void> {
  // A refused GROUP node usually means someone edited the tree in amoCRM: read it afresh next time.
  if (rejected.length > 0) await forgetGroupTree(ctx);
  await reportRejected(ctx, 'product', rejected, 'product');
}

/**
 * After a crash between amoCRM's answer and our link row, the element exists with our EXTERNAL_ID. Search for it
 * (full-text `query`; whether the hidden EXTERNAL_ID is searchable is unconfirmed, so the hit is re-checked and a
 * miss falls back to creating).
 */
async function findOrphanElement(ctx: RuleContext, catalogId: number, moyskladId: string): Promise<number | null> {
  for await (const element of ctx.amo.catalogs.iterateElements(catalogId, { query: moyskladId })) {
    const external = element.custom_fields_values?.find((f) => f.field_code === 'EXTERNAL_ID');
    if (external?.values?.some((v) => String(v.value) === moyskladId)) return element.id;
  }
  return null;
}

/**
 * True only when amoCRM itself says the element is gone: `GET /api/v4/catalogs/{id}/elements/{id}` answers 204 (no
 * content) or 404, or returns it marked `is_deleted`. Without a products catalog nothing can be confirmed.
 */
async function amoElementGone(ctx: RuleContext, amoElementId: number): Promise<boolean> {
  const catalog = await ctx.catalog();
  if (!catalog) return false;
  try {
    const element = await ctx.amo.catalogs.getElement(catalog.catalogId, amoElementId);
    return element === null || element.is_deleted === true;
  } catch (error) {
    if (error instanceof AmoError && error.status === 404) return true;
    throw error;
  }
}

/** Deleted in МойСклад → only the link goes; the amoCRM element stays (the seed's documented behaviour). */
export async function forgetDeletedProduct(ctx: RuleContext, moyskladId: string): Promise<boolean> {
  return ctx.links.unlinkByMoyskladId(ctx.accountId, 'product', moyskladId);
}

/**
 * Deleted in amoCRM → deleted in МойСклад; a product used in documents cannot be deleted (409/1028), so it is
 * archived instead, and the operation log says which happened. A webhook (or a sweep page) is never trusted: the
 * element is re-read in amoCRM first, and the product is only touched when amoCRM confirms the element is gone
 * ('kept' otherwise — a forged `catalogs[delete]` POST archives nothing).
 */
export async function deleteProductFromAmo(ctx: RuleContext, amoElementId: number): Promise<'deleted' | 'archived' | 'not_linked' | 'kept'> {
  const moyskladId = await ctx.links.moyskladIdFor(ctx.accountId, 'product', amoElementId);
  if (moyskladId === null) return 'not_linked';
  if (!(await amoElementGone(ctx, amoElementId))) {
    ctx.logger.warn({ accountId: ctx.accountId, amoElementId }, 'amoCRM still has the catalog element said to be deleted: the МойСклад product is kept');
    return 'kept';
  }
  const outcome = await ctx.ms.catalog.deleteOrArchiveProduct(moyskladId);
  await ctx.links.unlinkByMoyskladId(ctx.accountId, 'product', moyskladId);
  await ctx.operationLog.append({ accountId: ctx.accountId, userId: null, kind: `product_${outcome}_in_moysklad`, details: { moyskladId, amoElementId } });
  return outcome;
}
