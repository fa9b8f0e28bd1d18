import express, { Router } from 'express';
import { z } from 'zod';
import { parseBatch } from '../http/batch.js';
import { sendBatchResult, sendPagedList } from '../http/hal.js';
import type { FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import type { LinkRecord } from '../state/types.js';
import { customerV2 } from '../webhooks/v2-payloads.js';
import { accountOf, allowFilters, intFilter, stringFilter, type ApiDeps } from './context.js';
import { customerFromPath } from './customer-lookup.js';

/** Links of a customer to contacts / catalog elements: link, unlink, list. A customer has at most one main contact. */

const linkSchema = z.looseObject({
  to_entity_id: z.number().int().positive(),
  to_entity_type: z.enum(['contacts', 'companies', 'catalog_elements']),
  metadata: z
    .looseObject({
      is_main: z.boolean().optional(),
      catalog_id: z.number().int().positive().optional(),
      quantity: z.number().positive().optional(),
      price_id: z.number().int().nullable().optional(),
    })
    .optional(),
  request_id: z.union([z.string(), z.number()]).optional(),
});
type LinkInput = z.infer<typeof linkSchema>;
const bulkLinkSchema = linkSchema.extend({ entity_id: z.number().int().positive() });

const linkJson = (l: LinkRecord) => ({ entity_id: l.customer_id, entity_type: 'customers', to_entity_id: l.to_entity_id, to_entity_type: l.to_entity_type, metadata: { ...l.metadata } });

export function customerLinksRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/customers/:customerId/links', (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    allowFilters(req, ['to_entity_id', 'to_entity_type', 'to_catalog_id']);
    const toIds = intFilter(req, 'to_entity_id');
    const toTypes = stringFilter(req, 'to_entity_type');
    const toCatalog = intFilter(req, 'to_catalog_id');
    const list = account
      .linksOf(customer.id)
      .filter((l) => (toIds === null || toIds.includes(l.to_entity_id)) && (toTypes === null || toTypes.includes(l.to_entity_type)) && (toCatalog === null || toCatalog.includes(l.metadata.catalog_id ?? -1)));
    sendPagedList(req, res, 'links', list, linkJson);
  });

  router.post('/customers/:customerId/link', express.json(), (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    const items = parseBatch(req.body, linkSchema, (item) => validateTarget(account, item));
    const linked = items.map(({ item }) => upsertLink(account, customer.id, item));
    deps.webhooks.dispatch(account, 'customers', 'update', [customerV2(account, customer)]);
    sendBatchResult(req, res, 200, 'links', linked.map(linkJson));
  });

  // Bulk form (entity-links-api): items name their customer in `entity_id`, ≤ 250 like every batch write.
  router.post('/customers/link', express.json(), (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, bulkLinkSchema, (item) => {
      const customer = account.customers.get(item.entity_id);
      if (!customer || customer.is_deleted) return [{ code: 'NotFound', path: 'entity_id', detail: `Customer ${item.entity_id} not found` }];
      return validateTarget(account, item);
    });
    const linked = items.map(({ item }) => upsertLink(account, item.entity_id, item));
    const touched = [...new Set(items.map(({ item }) => item.entity_id))].map((id) => account.customers.get(id)!);
    deps.webhooks.dispatch(account, 'customers', 'update', touched.map((customer) => customerV2(account, customer)));
    sendBatchResult(req, res, 200, 'links', linked.map(linkJson));
  });

  router.post('/customers/:customerId/unlink', express.json(), (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    const items = parseBatch(req.body, linkSchema);
    account.links = account.links.filter((l) => l.customer_id !== customer.id || !items.some(({ item }) => item.to_entity_id === l.to_entity_id && item.to_entity_type === l.to_entity_type));
    res.status(204).end();
  });

  return router;
}

function validateTarget(account: AccountState, item: LinkInput): FieldError[] {
  if (item.to_entity_type === 'contacts') {
    const contact = account.contacts.get(item.to_entity_id);
    return contact && !contact.is_deleted ? [] : [{ code: 'NotFound', path: 'to_entity_id', detail: `Contact ${item.to_entity_id} not found` }];
  }
  if (item.to_entity_type === 'catalog_elements') {
    const element = account.catalogElements.get(item.to_entity_id);
    if (item.metadata?.catalog_id === undefined) return [{ code: 'NotBlank', path: 'metadata.catalog_id', detail: 'catalog_id is required for catalog elements' }];
    return element && !element.is_deleted && element.catalog_id === item.metadata.catalog_id ? [] : [{ code: 'NotFound', path: 'to_entity_id', detail: `Catalog element ${item.to_entity_id} not found` }];
  }
  return [{ code: 'NotSupportedChoice', path: 'to_entity_type', detail: 'Companies are not emulated' }];
}

function upsertLink(account: AccountState, customerId: number, item: LinkInput): LinkRecord {
  const metadata = item.to_entity_type === 'contacts'
    ? { is_main: item.metadata?.is_main ?? !account.linksOf(customerId).some((l) => l.to_entity_type === 'contacts') }
    : { catalog_id: item.metadata?.catalog_id, quantity: item.metadata?.quantity ?? 1, price_id: item.metadata?.price_id ?? null };
  if (metadata.is_main) {
    for (const l of account.linksOf(customerId)) if (l.to_entity_type === 'contacts') l.metadata.is_main = false;
  }
  const existing = account.links.find((l) => l.customer_id === customerId && l.to_entity_id === item.to_entity_id && l.to_entity_type === item.to_entity_type);
  if (existing) {
    existing.metadata = { ...existing.metadata, ...metadata };
    return existing;
  }
  const link: LinkRecord = { customer_id: customerId, to_entity_id: item.to_entity_id, to_entity_type: item.to_entity_type, metadata };
  account.links.push(link);
  return link;
}
