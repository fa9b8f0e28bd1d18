import { z } from 'zod';
import { runBatch, type BatchOptions, type BatchOutcome } from '../batch.js';
import { AmoError } from '../errors.js';
import { collect, paginateHal } from '../paginate.js';
import { catalogElementSchema, catalogSchema, customFieldSchema, writeAnswerSchema, type Catalog, type CatalogElement, type CustomField, type Written } from '../schemas/entities.js';
import type { AmoTransport } from '../transport.js';

export type ElementWrite = Record<string, unknown> & { name: string; request_id?: string };
export type ElementUpdate = Record<string, unknown> & { id: number; request_id?: string };

export type NestedNode = { id?: number; parent_id?: number | null; value: string; request_id?: string; parent_request_id?: string };

export class CatalogsApi {
  constructor(private readonly transport: AmoTransport) {}

  /**
   * The account's products list (Списки → Товары), or null while the feature is off. crm_platform/catalogs-api
   * documents only page/limit for `GET /api/v4/catalogs`, so every list is read and the products one picked here.
   */
  async findProductsCatalog(): Promise<Catalog | null> {
    const catalogs = await collect(paginateHal(this.transport, '/api/v4/catalogs', 'catalogs', catalogSchema));
    return catalogs.find((catalog) => catalog.type === 'products') ?? null;
  }

  /** Field ids change per account: discover SKU, PRICE, GROUP, DESCRIPTION, EXTERNAL_ID, … by code. */
  async fieldsByCode(catalogId: number): Promise<Map<string, CustomField>> {
    const fields = await collect(paginateHal(this.transport, `/api/v4/catalogs/${catalogId}/custom_fields`, 'custom_fields', customFieldSchema));
    return new Map(fields.flatMap((field) => (field.code ? [[field.code, field] as const] : [])));
  }

  /** One custom field of a catalog (the GROUP field carries its category tree in `nested`). */
  async getField(catalogId: number, fieldId: number): Promise<CustomField> {
    const field = await this.transport.request({ method: 'GET', path: `/api/v4/catalogs/${catalogId}/custom_fields/${fieldId}`, schema: customFieldSchema });
    if (!field) throw new AmoError(`catalog ${catalogId} has no custom field ${fieldId}`);
    return field;
  }

  /**
   * Writes a category field's WHOLE tree (`PATCH /api/v4/catalogs/{id}/custom_fields`): existing nodes by id plus new
   * ones chained by `request_id` / `parent_request_id`. Whether amoCRM merges or replaces `nested` is unconfirmed,
   * so callers always send every node they want to keep.
   */
  async writeCategoryTree(catalogId: number, fieldId: number, nested: readonly NestedNode[]): Promise<void> {
    await this.transport.request({ method: 'PATCH', path: `/api/v4/catalogs/${catalogId}/custom_fields`, body: [{ id: fieldId, nested }], schema: z.unknown() });
  }

  iterateElements(catalogId: number, query: Record<string, string | number | undefined> = {}): AsyncGenerator<CatalogElement> {
    return paginateHal(this.transport, `/api/v4/catalogs/${catalogId}/elements`, 'elements', catalogElementSchema, query);
  }

  getElement(catalogId: number, id: number): Promise<CatalogElement | null> {
    return this.transport.request({ method: 'GET', path: `/api/v4/catalogs/${catalogId}/elements/${id}`, schema: catalogElementSchema });
  }

  createElements(catalogId: number, items: readonly ElementWrite[], options?: BatchOptions): Promise<BatchOutcome<ElementWrite, Written>> {
    return runBatch(items, (chunk) => this.writeElements('POST', catalogId, chunk), options);
  }

  updateElements(catalogId: number, items: readonly ElementUpdate[], options?: BatchOptions): Promise<BatchOutcome<ElementUpdate, Written>> {
    return runBatch(items, (chunk) => this.writeElements('PATCH', catalogId, chunk), options);
  }

  /**
   * Batch delete `DELETE /api/v4/catalogs/{id}/elements [{id}]` → 204. UNCONFIRMED endpoint (not in the public
   * docs; third-party notes list it, max 50 per call); the legacy v2 alternative is not implemented.
   */
  async deleteElements(catalogId: number, ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 50) {
      await this.transport.request({ method: 'DELETE', path: `/api/v4/catalogs/${catalogId}/elements`, body: ids.slice(i, i + 50).map((id) => ({ id })), schema: z.unknown() });
    }
  }

  private async writeElements(method: 'POST' | 'PATCH', catalogId: number, chunk: unknown[]): Promise<Written[]> {
    const answer = await this.transport.request({ method, path: `/api/v4/catalogs/${catalogId}/elements`, body: chunk, schema: writeAnswerSchema('elements') });
    return answer?._embedded.elements ?? [];
  }
}
