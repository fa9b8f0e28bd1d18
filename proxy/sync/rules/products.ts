import { AmoError } from '../../amocrm/errors.js';
import type { ProductFolder, Product } from '../../moysklad/schemas/entities.js';
import { idFromHref } from '../../moysklad/schemas/common.js';
import { folderPath, productElement } from '../mapping/product.js';
import type { RuleContext } from '../rule-context.js';
import { singleId } from './amo-writes.js';

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

export type ProductOutcome = 'skipped' | 'created' | 'updated' | 'no_catalog';

/**
 * Rule 2: a МойСклад product → an element of the amoCRM products catalog (name, SKU, DESCRIPTION, PRICE in
 * roubles of the chosen price type, GROUP = the folder path, EXTERNAL_ID = the МойСклад id).
 */
export async function syncProduct(ctx: RuleContext, product: Product, folders: FolderCache): Promise<ProductOutcome> {
  const catalog = await ctx.catalog();
  if (!catalog) return 'no_catalog';
  const { accountId, amo, links } = ctx;
  let elementId = await links.amoIdFor(accountId, 'product', product.id);
  // Archived products are history: we keep their elements current but do not create new ones for them.
  if (elementId === null && product.archived) return 'skipped';

  const folderId = product.productFolder ? idFromHref(product.productFolder.meta.href) : null;
  const path = folderId ? await folders.pathOf(ctx, folderId) : [];
  const groupEnumId = path.length > 0 && catalog.fieldIds.GROUP !== undefined ? await amo.catalogs.ensureGroupPath(catalog.catalogId, catalog.fieldIds.GROUP, path) : null;
  const element = productElement({ product, priceTypeId: ctx.priceTypeId, fieldIds: catalog.fieldIds, groupEnumId });

  if (elementId === null) elementId = await findOrphanElement(ctx, catalog.catalogId, product.id);
  if (elementId === null) {
    elementId = singleId(await amo.catalogs.createElements(catalog.catalogId, [{ ...element, request_id: product.id }]), 'catalog element');
    await links.link(accountId, 'product', product.id, elementId);
    return 'created';
  }
  await links.link(accountId, 'product', product.id, elementId);
  await amo.catalogs.updateElements(catalog.catalogId, [{ id: elementId, ...element }]);
  return 'updated';
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
