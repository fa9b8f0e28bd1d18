import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { parseBatch, type BatchItem } from '../http/batch.js';
import { requestOrigin, sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import { ApiProblem, type FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import type { CustomerRecord, LinkRecord } from '../state/types.js';
import { customerV2 } from '../webhooks/v2-payloads.js';
import { accountOf, allowFilters, intFilter, stringFilter, type ApiDeps } from './context.js';
import { customerFromPath } from './customer-lookup.js';

/**
 * Links of customers to contacts / catalog elements (amoCRM «Связи сущностей», crm_platform/entity-links-api):
 * per customer (`/customers/{id}/link|unlink|links`) and in bulk (`/customers/link|unlink|links`, items carry
 * `entity_id`). A customer has at most one main contact. Writes take ≤250 items; one invalid item rejects the batch.
 */

const metadataSchema = z
  .looseObject({
    is_main: z.boolean().optional(),
    catalog_id: z.number().int().positive().optional(),
    quantity: z.number().positive().optional(),
    price_id: z.number().int().nullable().optional(),
    updated_by: z.number().int().min(0).optional(),
  })
  .nullable()
  .optional();

const linkSchema = z.looseObject({
  to_entity_id: z.number().int().positive(),
  to_entity_type: z.enum(['contacts', 'companies', 'catalog_elements']),
  metadata: metadataSchema,
  request_id: z.union([z.string(), z.number()]).optional(),
});
type LinkInput = z.infer<typeof linkSchema>;

const bulkLinkSchema = linkSchema.extend({ entity_id: z.number().int().positive() });
type BulkLinkInput = z.infer<typeof bulkLinkSchema>;

/**
 * The documented answer: `metadata.main_contact` for contacts (the request says `is_main`), `quantity`/`catalog_id`
 * for catalog elements, `null` for companies.
 */
function linkJson(l: LinkRecord): Record<string, unknown> {
  const metadata =
    l.to_entity_type === 'contacts'
      ? { main_contact: l.metadata.is_main ?? false }
      : l.to_entity_type === 'catalog_elements'
        ? { quantity: l.metadata.quantity ?? 1, catalog_id: l.metadata.catalog_id ?? null, ...(l.metadata.price_id != null ? { price_id: l.metadata.price_id } : {}) }
        : null;
  return { entity_id: l.customer_id, entity_type: 'customers', to_entity_id: l.to_entity_id, to_entity_type: l.to_entity_type, metadata };
}

/** Write answer: `_total_items`, `_links.self`, `_embedded.links` (as in the documented examples). */
function sendLinks(req: Request, res: express.Response, links: LinkRecord[]): void {
  sendHal(res, 200, { _total_items: links.length, _links: { self: { href: new URL(req.originalUrl, requestOrigin(req)).toString() } }, _embedded: { links: links.map(linkJson) } });
}

function targetFilter(req: Request): (l: LinkRecord) => boolean {
  const toIds = intFilter(req, 'to_entity_id');
  const toTypes = stringFilter(req, 'to_entity_type');
  const toCatalog = intFilter(req, 'to_catalog_id');
  return (l) => (toIds === null || toIds.includes(l.to_entity_id)) && (toTypes === null || toTypes.includes(l.to_entity_type)) && (toCatalog === null || toCatalog.includes(l.metadata.catalog_id ?? -1));
}

export function customerLinksRouter(deps: ApiDeps): Router {
  const router = Router();

  // Bulk routes first: `/customers/links` must not be read as the customer with id "links".
  router.get('/customers/links', (req, res) => {
    const account = accountOf(res);
    allowFilters(req, ['entity_id', 'to_entity_id', 'to_entity_type', 'to_catalog_id']);
    const entityIds = intFilter(req, 'entity_id');
    // «filter[entity_id] — обязательный параметр» of the bulk list.
    if (entityIds === null || entityIds.length === 0) throw new ApiProblem(400, 'Bad Request', 'filter[entity_id] is required');
    const matches = targetFilter(req);
    const list = account.links.filter((l) => entityIds.includes(l.customer_id) && isLive(account, l.customer_id) && matches(l));
    sendPagedList(req, res, 'links', list, linkJson);
  });

  router.post('/customers/link', express.json(), (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, bulkLinkSchema, (item) => [...validateCustomer(account, item.entity_id), ...validateTarget(account, item)]);
    sendLinks(req, res, applyLinks(deps, account, items.map(({ item }) => ({ customerId: item.entity_id, item }))));
  });

  router.post('/customers/unlink', express.json(), (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, bulkLinkSchema, (item) => validateCustomer(account, item.entity_id));
    unlink(account, items.map(({ item }) => ({ customerId: item.entity_id, item })));
    sendNoContent(res);
  });

  router.get('/customers/:customerId/links', (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    allowFilters(req, ['to_entity_id', 'to_entity_type', 'to_catalog_id']);
    sendPagedList(req, res, 'links', account.linksOf(customer.id).filter(targetFilter(req)), linkJson);
  });

  router.post('/customers/:customerId/link', express.json(), (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    const items = parseBatch(req.body, linkSchema, (item) => validateTarget(account, item));
    sendLinks(req, res, applyLinks(deps, account, items.map(({ item }) => ({ customerId: customer.id, item }))));
  });

  router.post('/customers/:customerId/unlink', express.json(), (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    const items: Array<BatchItem<LinkInput>> = parseBatch(req.body, linkSchema);
    unlink(account, items.map(({ item }) => ({ customerId: customer.id, item })));
    sendNoContent(res);
  });

  return router;
}

const isLive = (account: AccountState, customerId: number) => account.customers.get(customerId)?.is_deleted === false;

function validateCustomer(account: AccountState, customerId: number): FieldError[] {
  return isLive(account, customerId) ? [] : [{ code: 'NotFound', path: 'entity_id', detail: `Customer ${customerId} not found` }];
}

function validateTarget(account: AccountState, item: LinkInput | BulkLinkInput): FieldError[] {
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

/** Applies validated links and sends one `update_customer` webhook carrying every customer that changed. */
function applyLinks(deps: ApiDeps, account: AccountState, items: Array<{ customerId: number; item: LinkInput }>): LinkRecord[] {
  const linked = items.map(({ customerId, item }) => upsertLink(account, customerId, item));
  const customers = [...new Set(items.map(({ customerId }) => customerId))].map((id) => account.customers.get(id) as CustomerRecord);
  deps.webhooks.dispatch(account, 'customers', 'update', customers.map((customer) => customerV2(account, customer)));
  return linked;
}

function unlink(account: AccountState, items: Array<{ customerId: number; item: LinkInput }>): void {
  account.links = account.links.filter((l) => !items.some(({ customerId, item }) => l.customer_id === customerId && item.to_entity_id === l.to_entity_id && item.to_entity_type === l.to_entity_type));
}

function upsertLink(account: AccountState, customerId: number, item: LinkInput): LinkRecord {
  const existing = account.links.find((l) => l.customer_id === customerId && l.to_entity_id === item.to_entity_id && l.to_entity_type === item.to_entity_type);
  // The first contact linked becomes the main one; re-linking a contact without `is_main` keeps what it was.
  const metadata = item.to_entity_type === 'contacts'
    ? { is_main: item.metadata?.is_main ?? existing?.metadata.is_main ?? !account.linksOf(customerId).some((l) => l.to_entity_type === 'contacts') }
    : { catalog_id: item.metadata?.catalog_id, quantity: item.metadata?.quantity ?? 1, price_id: item.metadata?.price_id ?? null };
  if (metadata.is_main) {
    for (const l of account.linksOf(customerId)) if (l.to_entity_type === 'contacts') l.metadata.is_main = false;
  }
  if (existing) {
    existing.metadata = { ...existing.metadata, ...metadata };
    return existing;
  }
  const link: LinkRecord = { customer_id: customerId, to_entity_id: item.to_entity_id, to_entity_type: item.to_entity_type, metadata };
  account.links.push(link);
  return link;
}
