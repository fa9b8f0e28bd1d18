import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseBatch } from '../http/batch.js';
import { sendBatchResult, sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import { ApiProblem, type FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import { applyCustomFieldChanges, customFieldsInputSchema, resolveCustomFields } from '../state/custom-field-values.js';
import type { CatalogElementRecord, CatalogRecord } from '../state/types.js';
import { accountOf, allowFilters, baseUrlOf, callerOf, idParam, intFilter, queryText, unixNow, type ApiDeps } from './context.js';
import { catalogElementJson, catalogJson } from './serializers.js';
import { requestIdSchema } from './write-schemas.js';
import { deleteCatalogElements } from './catalog-element-deletion.js';

/** Catalogs (Списки) and their elements. The products catalog (`type: products`) exists from the start. */

const elementCreateSchema = z.looseObject({ name: z.string().trim().min(1).max(255), custom_fields_values: customFieldsInputSchema.nullable().optional(), request_id: requestIdSchema });
const elementUpdateSchema = z.looseObject({ id: z.number().int().positive(), name: z.string().trim().min(1).max(255).optional(), custom_fields_values: customFieldsInputSchema.nullable().optional(), request_id: requestIdSchema });
const elementDeleteSchema = z.looseObject({ id: z.number().int().positive() });

export function catalogsRouter(deps: ApiDeps): Router {
  const router = Router();

  // crm_platform/catalogs-api documents only page and limit here: a `type=` is not a filter, so every list comes back
  // (clients pick `type === 'products'` themselves), as a server that ignores unknown parameters would answer.
  router.get('/catalogs', (req, res) => {
    const account = accountOf(res);
    const base = baseUrlOf(req, res);
    sendPagedList(req, res, 'catalogs', [...account.catalogs.values()], (c) => catalogJson(account, c, base));
  });

  router.get('/catalogs/:catalogId', (req, res) => {
    const account = accountOf(res);
    const catalog = account.catalogs.get(idParam(req, 'catalogId') ?? -1);
    if (!catalog) return sendNoContent(res);
    sendHal(res, 200, catalogJson(account, catalog, baseUrlOf(req, res)));
  });

  router.get('/catalogs/:catalogId/elements', (req, res) => {
    const account = accountOf(res);
    const catalog = catalogFromPath(req, res);
    allowFilters(req, ['id']);
    const ids = intFilter(req, 'id');
    const query = queryText(req)?.toLowerCase() ?? null;
    const list = liveElements(account, catalog.id).filter((e) => (ids === null || ids.includes(e.id)) && (query === null || elementMatches(e, query)));
    const base = baseUrlOf(req, res);
    sendPagedList(req, res, 'elements', list, (e) => catalogElementJson(account, e, base));
  });

  router.get('/catalogs/:catalogId/elements/:elementId', (req, res) => {
    const account = accountOf(res);
    const catalog = catalogFromPath(req, res);
    const element = account.catalogElements.get(idParam(req, 'elementId') ?? -1);
    if (!element || element.is_deleted || element.catalog_id !== catalog.id) return sendNoContent(res);
    sendHal(res, 200, catalogElementJson(account, element, baseUrlOf(req, res)));
  });

  router.post('/catalogs/:catalogId/elements', express.json(), (req, res) => {
    const account = accountOf(res);
    const catalog = catalogFromPath(req, res);
    const fields = account.fieldsOf('catalogs', catalog.id);
    const items = parseBatch(req.body, elementCreateSchema, (item) => (item.custom_fields_values ? resolveCustomFields(fields, item.custom_fields_values).errors : []));
    const now = unixNow(deps);
    const userId = callerOf(res).userId;
    const base = baseUrlOf(req, res);
    const created = items.map(({ item, requestId }) => {
      const element: CatalogElementRecord = {
        id: account.nextId(), catalog_id: catalog.id, name: item.name, is_deleted: false, custom_fields_values: [],
        created_by: userId, updated_by: userId, created_at: now, updated_at: now,
      };
      if (item.custom_fields_values) element.custom_fields_values = applyCustomFieldChanges([], resolveCustomFields(fields, item.custom_fields_values).changes);
      account.catalogElements.set(element.id, element);
      return { ...catalogElementJson(account, element, base, 'write'), request_id: requestId };
    });
    sendBatchResult(req, res, 200, 'elements', created);
  });

  router.patch('/catalogs/:catalogId/elements', express.json(), (req, res) => {
    const account = accountOf(res);
    const catalog = catalogFromPath(req, res);
    const fields = account.fieldsOf('catalogs', catalog.id);
    const items = parseBatch(req.body, elementUpdateSchema, (item) => {
      const errors: FieldError[] = [];
      const element = account.catalogElements.get(item.id);
      if (!element || element.is_deleted || element.catalog_id !== catalog.id) errors.push({ code: 'NotFound', path: 'id', detail: `Element ${item.id} not found` });
      if (item.custom_fields_values) errors.push(...resolveCustomFields(fields, item.custom_fields_values).errors);
      return errors;
    });
    const now = unixNow(deps);
    const base = baseUrlOf(req, res);
    const updated = items.map(({ item, requestId }) => {
      const element = account.catalogElements.get(item.id) as CatalogElementRecord;
      if (item.name !== undefined) element.name = item.name;
      if (item.custom_fields_values) element.custom_fields_values = applyCustomFieldChanges(element.custom_fields_values, resolveCustomFields(fields, item.custom_fields_values).changes);
      element.updated_at = now;
      element.updated_by = callerOf(res).userId;
      return { ...catalogElementJson(account, element, base, 'write'), request_id: requestId };
    });
    sendBatchResult(req, res, 200, 'elements', updated);
  });

  /**
   * Batch delete `[{id}]` → 204. The v4 delete endpoint is UNCONFIRMED (not in the public docs; third-party notes list
   * it); the legacy v2 `POST /api/v2/catalog_elements {"delete":[…]}` is not emulated.
   */
  router.delete('/catalogs/:catalogId/elements', express.json(), (req, res) => {
    const account = accountOf(res);
    const catalog = catalogFromPath(req, res);
    const items = parseBatch(req.body, elementDeleteSchema, (item) => {
      const element = account.catalogElements.get(item.id);
      return element && !element.is_deleted && element.catalog_id === catalog.id ? [] : [{ code: 'NotFound', path: 'id', detail: `Element ${item.id} not found` }];
    });
    deleteCatalogElements(deps, account, items.map(({ item }) => item.id));
    sendNoContent(res);
  });

  return router;
}

function catalogFromPath(req: Request, res: Response): CatalogRecord {
  const catalog = accountOf(res).catalogs.get(idParam(req, 'catalogId') ?? -1);
  if (!catalog) throw new ApiProblem(404, 'Not Found', `Catalog ${req.params['catalogId']} not found`);
  return catalog;
}

function liveElements(account: AccountState, catalogId: number): CatalogElementRecord[] {
  return [...account.catalogElements.values()].filter((e) => e.catalog_id === catalogId && !e.is_deleted);
}

function elementMatches(e: CatalogElementRecord, query: string): boolean {
  return [e.name, ...e.custom_fields_values.flatMap((f) => f.values.map((v) => String(v.value)))].some((t) => t.toLowerCase().includes(query));
}
