import { z } from 'zod';
import { MoySkladConflictError } from '../errors.js';
import { buildFilter, type FilterCondition } from '../filter.js';
import { paginate } from '../paginate.js';
import { listEnvelopeSchema } from '../schemas/common.js';
import { priceTypeSchema, productFolderSchema, productSchema, type PriceType, type Product, type ProductFolder } from '../schemas/entities.js';
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
