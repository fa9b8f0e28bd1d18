import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseBatch } from '../http/batch.js';
import { sendBatchResult, sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import { ApiProblem, type FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import type { CustomFieldDef, CustomFieldType, NestedNode } from '../state/types.js';
import { accountOf, baseUrlOf, idParam, requireAdmin } from './context.js';
import { customFieldJson } from './serializers.js';
import { requestIdSchema } from './write-schemas.js';

/** Custom fields of customers, contacts and catalogs: list, get, batch create (201), batch edit (category tree). */

interface Scope { entityType: CustomFieldDef['entity_type']; catalogId: number | null; allowedTypes: readonly CustomFieldType[] }

const CUSTOMER_TYPES = ['text', 'numeric', 'checkbox', 'select', 'multiselect', 'date', 'url', 'date_time', 'textarea', 'radiobutton', 'streetaddress', 'monetary'] as const;
const CONTACT_TYPES = [...CUSTOMER_TYPES, 'multitext'] as const;
const CATALOG_TYPES = ['text', 'numeric', 'checkbox', 'select', 'multiselect', 'date', 'url', 'date_time', 'textarea', 'radiobutton', 'price', 'category'] as const;
const ALL_TYPES = ['text', 'numeric', 'checkbox', 'select', 'multiselect', 'date', 'url', 'textarea', 'radiobutton', 'streetaddress', 'date_time', 'monetary', 'multitext', 'price', 'category'] as const;

const enumInputSchema = z.looseObject({ value: z.string().min(1), sort: z.number().int().optional(), code: z.string().optional() });
const nestedInputSchema = z.looseObject({
  id: z.number().int().optional(),
  parent_id: z.number().int().nullable().optional(),
  value: z.string().min(1),
  sort: z.number().int().optional(),
  request_id: z.string().optional(),
  parent_request_id: z.string().optional(),
});
const fieldCreateSchema = z.looseObject({
  name: z.string().trim().min(1).max(255),
  type: z.enum(ALL_TYPES),
  code: z.string().trim().min(1).max(255).optional(),
  sort: z.number().int().optional(),
  is_api_only: z.boolean().optional(),
  enums: z.array(enumInputSchema).optional(),
  request_id: requestIdSchema,
});
const fieldUpdateSchema = z.looseObject({
  id: z.number().int().positive(),
  name: z.string().trim().min(1).max(255).optional(),
  sort: z.number().int().optional(),
  nested: z.array(nestedInputSchema).optional(),
  request_id: requestIdSchema,
});

export function customFieldsRouter(): Router {
  const router = Router();
  const customers: Scope = { entityType: 'customers', catalogId: null, allowedTypes: CUSTOMER_TYPES };
  const contacts: Scope = { entityType: 'contacts', catalogId: null, allowedTypes: CONTACT_TYPES };
  mount(router, '/customers/custom_fields', () => customers);
  mount(router, '/contacts/custom_fields', () => contacts);
  mount(router, '/catalogs/:catalogId/custom_fields', (req, res) => {
    const catalogId = idParam(req, 'catalogId');
    if (catalogId === null || !accountOf(res).catalogs.has(catalogId)) throw new ApiProblem(404, 'Not Found', 'Catalog not found');
    return { entityType: 'catalogs', catalogId, allowedTypes: CATALOG_TYPES };
  });
  return router;
}

function mount(router: Router, path: string, scopeOf: (req: Request, res: Response) => Scope): void {
  router.get(path, (req, res) => {
    const scope = scopeOf(req, res);
    const account = accountOf(res);
    const base = baseUrlOf(req, res);
    sendPagedList(req, res, 'custom_fields', account.fieldsOf(scope.entityType, scope.catalogId), (f) => customFieldJson(account, f, base));
  });

  router.get(`${path}/:fieldId`, (req, res) => {
    const scope = scopeOf(req, res);
    const account = accountOf(res);
    const field = account.customFields.get(idParam(req, 'fieldId') ?? -1);
    if (!field || field.entity_type !== scope.entityType || field.catalog_id !== scope.catalogId) return sendNoContent(res);
    sendHal(res, 200, customFieldJson(account, field, baseUrlOf(req, res)));
  });

  router.post(path, express.json(), (req, res) => {
    const scope = scopeOf(req, res);
    requireAdmin(res);
    const account = accountOf(res);
    const existing = new Set(account.fieldsOf(scope.entityType, scope.catalogId).flatMap((f) => (f.code ? [f.code] : [])));
    const seenInBatch = new Set<string>();
    const items = parseBatch(req.body, fieldCreateSchema, (item) => {
      const errors: FieldError[] = [];
      if (!scope.allowedTypes.includes(item.type)) errors.push({ code: 'NotSupportedChoice', path: 'type', detail: `Type ${item.type} is not available for ${scope.entityType}` });
      if (item.code !== undefined) {
        if (existing.has(item.code) || seenInBatch.has(item.code)) errors.push({ code: 'NotUnique', path: 'code', detail: `A field with code ${item.code} already exists` });
        seenInBatch.add(item.code);
      }
      return errors;
    });
    const base = baseUrlOf(req, res);
    const created = items.map(({ item, requestId }) => {
      const def = account.addField(scope.entityType, scope.catalogId, { name: item.name, type: item.type, code: item.code ?? null, sort: item.sort ?? 500, enums: item.enums, apiOnly: item.is_api_only ?? false });
      return { ...customFieldJson(account, def, base), request_id: requestId };
    });
    sendBatchResult(req, res, 201, 'custom_fields', created);
  });

  router.patch(path, express.json(), (req, res) => {
    const scope = scopeOf(req, res);
    requireAdmin(res);
    const account = accountOf(res);
    const items = parseBatch(req.body, fieldUpdateSchema, (item) => {
      const field = account.customFields.get(item.id);
      if (!field || field.entity_type !== scope.entityType || field.catalog_id !== scope.catalogId) return [{ code: 'NotFound', path: 'id', detail: 'Field not found' }];
      if (item.nested && field.type !== 'category') return [{ code: 'InvalidValue', path: 'nested', detail: 'nested is only for category fields' }];
      return item.nested ? validateTree(field, item.nested) : [];
    });
    const base = baseUrlOf(req, res);
    const updated = items.map(({ item, requestId }) => {
      const field = account.customFields.get(item.id) as CustomFieldDef;
      if (item.name !== undefined) field.name = item.name;
      if (item.sort !== undefined) field.sort = item.sort;
      if (item.nested) field.nested = buildTree(account, item.nested);
      return { ...customFieldJson(account, field, base), request_id: requestId };
    });
    sendBatchResult(req, res, 200, 'custom_fields', updated);
  });
}

type NestedInput = z.infer<typeof nestedInputSchema>;

function validateTree(field: CustomFieldDef, nodes: NestedInput[]): FieldError[] {
  const errors: FieldError[] = [];
  const knownIds = new Set((field.nested ?? []).map((n) => n.id));
  const requestIds = new Set(nodes.flatMap((n) => (n.request_id ? [n.request_id] : [])));
  nodes.forEach((node, i) => {
    if (node.id !== undefined && !knownIds.has(node.id)) errors.push({ code: 'NotFound', path: `nested.${i}.id`, detail: 'Unknown category node' });
    if (node.parent_request_id !== undefined && !requestIds.has(node.parent_request_id)) errors.push({ code: 'NotFound', path: `nested.${i}.parent_request_id`, detail: 'Unknown parent_request_id' });
  });
  const listedIds = new Set(nodes.flatMap((n) => (n.id !== undefined ? [n.id] : [])));
  nodes.forEach((node, i) => {
    if (typeof node.parent_id === 'number' && !listedIds.has(node.parent_id)) errors.push({ code: 'NotFound', path: `nested.${i}.parent_id`, detail: 'Parent node is not in the tree' });
  });
  return errors;
}

/** The PATCH carries the whole tree: listed nodes stay (or are created), unlisted ones are removed. */
function buildTree(account: AccountState, nodes: NestedInput[]): NestedNode[] {
  const idByRequestId = new Map<string, number>();
  const withIds = nodes.map((node) => {
    const id = node.id ?? account.nextId();
    if (node.request_id) idByRequestId.set(node.request_id, id);
    return { node, id };
  });
  return withIds.map(({ node, id }, i) => ({
    id,
    parent_id: node.parent_request_id !== undefined ? (idByRequestId.get(node.parent_request_id) ?? null) : (node.parent_id ?? null),
    value: node.value,
    sort: node.sort ?? (i + 1) * 10,
  }));
}
