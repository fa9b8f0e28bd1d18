import type { AmoClient } from '../amocrm/client.js';
import type { SyncCursorsRepository } from '../db/repositories/sync-cursors.js';
import type { CatalogFieldIds } from './mapping/product.js';
import { z } from 'zod';

export interface ProductsCatalog {
  catalogId: number;
  fieldIds: CatalogFieldIds;
}

/** Kept in sync_cursors so every process knows the catalog without asking amoCRM again. */
export const AMO_CATALOG_STREAM = 'amo_products_catalog';

const storedCatalog = z.object({
  catalogId: z.number().int(),
  fieldIds: z.object({ SKU: z.number().int(), DESCRIPTION: z.number().int(), PRICE: z.number().int(), GROUP: z.number().int(), EXTERNAL_ID: z.number().int() }).partial(),
});

const FIELD_CODES = ['SKU', 'DESCRIPTION', 'PRICE', 'GROUP', 'EXTERNAL_ID'] as const;

/** Finds the account's products catalog and its preset fields by code (ids differ per account). */
export async function discoverProductsCatalog(amo: AmoClient): Promise<ProductsCatalog | null> {
  const catalog = await amo.catalogs.findProductsCatalog();
  if (!catalog) return null;
  const fields = await amo.catalogs.fieldsByCode(catalog.id);
  const fieldIds: CatalogFieldIds = {};
  for (const code of FIELD_CODES) {
    const field = fields.get(code);
    if (field) fieldIds[code] = field.id;
  }
  return { catalogId: catalog.id, fieldIds };
}

export async function loadStoredCatalog(cursors: SyncCursorsRepository, accountId: number): Promise<ProductsCatalog | null> {
  const text = await cursors.get(accountId, AMO_CATALOG_STREAM);
  if (!text) return null;
  const parsed = storedCatalog.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

export async function storeCatalog(cursors: SyncCursorsRepository, accountId: number, catalog: ProductsCatalog): Promise<void> {
  await cursors.save(accountId, AMO_CATALOG_STREAM, JSON.stringify(catalog));
}
