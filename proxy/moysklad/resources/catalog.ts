import { z } from 'zod';
import { MoySkladConflictError } from '../errors.js';
import { buildFilter, type FilterCondition } from '../filter.js';
import { MAX_PAGE_SIZE, paginate } from '../paginate.js';
import { listEnvelopeSchema } from '../schemas/common.js';
import { priceTypeSchema, productFolderSchema, productSchema, variantSchema, type PriceType, type Product, type ProductFolder, type Variant } from '../schemas/entities.js';
import type { MoySkladTransport } from '../transport.js';

export interface IterateCatalogOptions {
  filter?: readonly FilterCondition[];
  /** e.g. `productFolder`; the page size drops to 100 automatically. */
  expand?: string;
  order?: string;
  pageSize?: number;
}

/** `GET /context/companysettings/pricetype` answers with a bare array; accept a list envelope too, defensively. */
const priceTypesBodySchema = z.union([z.array(priceTypeSchema), listEnvelopeSchema(priceTypeSchema).transform((body) => body.rows)]);

export type DeleteOutcome = 'deleted' | 'archived';

export interface FolderProductsOptions {
  /** Sub-folders too (МойСклад's default); false = only the products directly in the folder. */
  withSubFolders?: boolean;
  /** Only products changed since (`updated>=`, whole seconds, Moscow time). */
  updatedSince?: Date;
  /** Archived products too; by default the assortment lists only non-archived ones. */
  includeArchived?: boolean;
}

/** Selects the current `/entity/assortment` (md/dictionaries/_assortment.md); without it the deprecated one answers. */
const ASSORTMENT_HEADERS = { 'X-Lognex-Remap-Beta-Feature': 'assortmentWithoutStock' };

export class CatalogApi {
  constructor(private readonly transport: MoySkladTransport) {}

  iterateProducts(options: IterateCatalogOptions = {}): AsyncGenerator<Product> {
    const query = {
      filter: options.filter?.length ? buildFilter(options.filter) : undefined,
      expand: options.expand,
      order: options.order ?? 'updated,asc;id',
    };
    return paginate(this.transport, '/entity/product', query, productSchema, options.pageSize);
  }

  getProduct(id: string): Promise<Product> {
    return this.transport.request({ method: 'GET', path: `/entity/product/${encodeURIComponent(id)}`, schema: productSchema });
  }

  /** Throws MoySkladConflictError (1028, with `dependencies`) when documents use the product. */
  async deleteProduct(id: string): Promise<void> {
    await this.transport.request({ method: 'DELETE', path: `/entity/product/${encodeURIComponent(id)}`, schema: null });
  }

  archiveProduct(id: string): Promise<Product> {
    return this.transport.request({ method: 'PUT', path: `/entity/product/${encodeURIComponent(id)}`, body: { archived: true }, schema: productSchema });
  }

  /** Deletes the product, or archives it when sales history keeps it alive (МойСклад never cascades). */
  async deleteOrArchiveProduct(id: string): Promise<DeleteOutcome> {
    try {
      await this.deleteProduct(id);
      return 'deleted';
    } catch (error) {
      if (!(error instanceof MoySkladConflictError)) throw error;
      await this.archiveProduct(id);
      return 'archived';
    }
  }

  /**
   * The products of a folder and, by default, of all its sub-folders: `GET /entity/assortment?filter=productFolder=…;
   * type=product`, the documented way (products themselves document no `productFolder` filter — МойСклад refuses it
   * with 1034). `withSubFolders` defaults to true on МойСклад's side, so it is only sent when false. 1000 a page.
   */
  iterateProductsInFolder(folderHref: string, options: FolderProductsOptions = {}): AsyncGenerator<Product> {
    const conditions: FilterCondition[] = [['productFolder', '=', folderHref], ['type', '=', 'product']];
    if (options.withSubFolders === false) conditions.push(['withSubFolders', '=', false]);
    if (options.includeArchived) conditions.push(['archived', '=', true], ['archived', '=', false]);
    if (options.updatedSince) conditions.push(['updated', '>=', options.updatedSince]);
    return paginate(this.transport, '/entity/assortment', { filter: buildFilter(conditions), order: 'updated,asc;id' }, productSchema, MAX_PAGE_SIZE, ASSORTMENT_HEADERS);
  }

  /** One modification; `expandProduct` puts its product (name, folder, prices) in `product`. */
  getVariant(id: string, options: { expandProduct?: boolean } = {}): Promise<Variant> {
    return this.transport.request({ method: 'GET', path: `/entity/variant/${encodeURIComponent(id)}`, query: { expand: options.expandProduct ? 'product' : undefined }, schema: variantSchema });
  }

  /** Modifications, all or of some products (`productid=`, repeated = is OR), changed since `updatedSince`; 1000 a page. */
  iterateVariants(options: { productIds?: readonly string[]; updatedSince?: Date } = {}): AsyncGenerator<Variant> {
    const conditions: FilterCondition[] = (options.productIds ?? []).map((id): FilterCondition => ['productid', '=', id]);
    if (options.updatedSince) conditions.push(['updated', '>=', options.updatedSince]);
    return paginate(this.transport, '/entity/variant', { filter: conditions.length ? buildFilter(conditions) : undefined }, variantSchema, MAX_PAGE_SIZE);
  }

  iterateFolders(options: IterateCatalogOptions = {}): AsyncGenerator<ProductFolder> {
    const query = { filter: options.filter?.length ? buildFilter(options.filter) : undefined, order: options.order };
    return paginate(this.transport, '/entity/productfolder', query, productFolderSchema, options.pageSize);
  }

  getFolder(id: string): Promise<ProductFolder> {
    return this.transport.request({ method: 'GET', path: `/entity/productfolder/${encodeURIComponent(id)}`, schema: productFolderSchema });
  }

  listPriceTypes(): Promise<PriceType[]> {
    return this.transport.request({ method: 'GET', path: '/context/companysettings/pricetype', schema: priceTypesBodySchema });
  }
}
