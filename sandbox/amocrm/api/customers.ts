import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { parseBatch, parseSingle } from '../http/batch.js';
import { sendBatchResult, sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import { ApiProblem, type FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import { applyCustomFieldChanges, resolveCustomFields } from '../state/custom-field-values.js';
import type { CustomerRecord } from '../state/types.js';
import { customerV2 } from '../webhooks/v2-payloads.js';
import { accountOf, allowFilters, baseUrlOf, callerOf, idParam, intFilter, queryText, requireAdmin, unixNow, withSet, type ApiDeps } from './context.js';
import { customerJson } from './serializers.js';
import { customerBatchUpdateSchema, customerCreateSchema, customerUpdateSchema, nextTags, type CustomerWrite } from './write-schemas.js';

/** Customers (Покупатели): mode switch, list/get, batch create/update. */

const modeSchema = z.object({ mode: z.enum(['segments', 'periodicity']), is_enabled: z.boolean() });

/**
 * Guards every customers endpoint. The HTTP status for "customers switched off" is unconfirmed (the docs only list
 * amoCRM's internal codes 425/426); we answer 402 for a tariff without customers and 400 with code 426 when off.
 */
export const requireCustomersEnabled: RequestHandler = (_req, res, next) => {
  const mode = accountOf(res).data.customersMode;
  if (mode === 'unavailable') throw new ApiProblem(402, 'Payment Required', 'Customers are not available on this tariff', { code: 425 });
  if (mode === 'disabled') throw new ApiProblem(400, 'Bad Request', 'Customers are disabled in this account', { code: 426 });
  next();
};

export function customersModeRouter(): Router {
  const router = Router();
  router.patch('/customers/mode', express.json(), (req, res) => {
    requireAdmin(res);
    const body = parseSingle(req.body, modeSchema);
    const account = accountOf(res);
    if (account.data.customersMode === 'unavailable') throw new ApiProblem(402, 'Payment Required', 'The tariff does not allow customers');
    account.data.customersMode = body.is_enabled ? body.mode : 'disabled';
    res.status(200).json(body);
  });
  return router;
}

export function customersRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/customers', (req, res) => {
    const account = accountOf(res);
    allowFilters(req, ['id']);
    const ids = intFilter(req, 'id');
    const query = queryText(req)?.toLowerCase() ?? null;
    const list = account
      .liveCustomers()
      .filter((c) => ids === null || ids.includes(c.id))
      .filter((c) => query === null || customerMatches(c, query));
    const base = baseUrlOf(req, res);
    sendPagedList(req, res, 'customers', list, (c) => customerJson(account, c, base, withSet(req)));
  });

  router.get('/customers/:id', (req, res) => {
    const account = accountOf(res);
    const id = idParam(req, 'id');
    const customer = id === null ? undefined : account.customers.get(id);
    if (!customer || customer.is_deleted) return sendNoContent(res);
    sendHal(res, 200, customerJson(account, customer, baseUrlOf(req, res), withSet(req)));
  });

  router.post('/customers', (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, customerCreateSchema, (item) => validateCustomer(account, item, true));
    const now = unixNow(deps);
    const userId = callerOf(res).userId;
    const created = items.map(({ item, requestId }) => {
      const customer: CustomerRecord = {
        id: account.nextId(), name: item.name, next_price: item.next_price ?? 0, next_date: item.next_date ?? null,
        responsible_user_id: item.responsible_user_id ?? userId, status_id: item.status_id ?? null, periodicity: item.periodicity ?? 0,
        closest_task_at: null, is_deleted: false, created_by: item.created_by ?? userId, updated_by: item.updated_by ?? userId,
        created_at: item.created_at ?? now, updated_at: item.updated_at ?? now, custom_fields_values: [], tags: [], segment_ids: [],
      };
      applyWrite(account, customer, item);
      account.customers.set(customer.id, customer);
      return { customer, requestId };
    });
    deps.webhooks.dispatch(account, 'customers', 'add', created.map(({ customer }) => customerV2(account, customer)));
    const base = baseUrlOf(req, res);
    sendBatchResult(req, res, 200, 'customers', created.map(({ customer, requestId }) => ({ id: customer.id, request_id: requestId, _links: { self: { href: `${base}/api/v4/customers/${customer.id}` } } })));
  });

  router.patch('/customers', (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, customerBatchUpdateSchema, (item) => validateCustomer(account, item, false, item.id));
    const updated = items.map(({ item, requestId }) => ({ customer: updateCustomer(deps, account, item.id, item, callerOf(res).userId), requestId }));
    deps.webhooks.dispatch(account, 'customers', 'update', updated.map(({ customer }) => customerV2(account, customer)));
    const base = baseUrlOf(req, res);
    sendBatchResult(req, res, 200, 'customers', updated.map(({ customer, requestId }) => ({ id: customer.id, updated_at: customer.updated_at, request_id: requestId, _links: { self: { href: `${base}/api/v4/customers/${customer.id}` } } })));
  });

  router.patch('/customers/:id', (req, res) => {
    const account = accountOf(res);
    const id = idParam(req, 'id');
    const body = parseSingle(req.body, customerUpdateSchema, (item) => validateCustomer(account, item, false, id ?? -1));
    const customer = updateCustomer(deps, account, id ?? -1, body, callerOf(res).userId);
    deps.webhooks.dispatch(account, 'customers', 'update', [customerV2(account, customer)]);
    sendHal(res, 200, customerJson(account, customer, baseUrlOf(req, res)));
  });

  return router;
}

function customerMatches(c: CustomerRecord, query: string): boolean {
  const texts = [c.name, ...c.custom_fields_values.flatMap((f) => f.values.map((v) => String(v.value)))];
  return texts.some((t) => t.toLowerCase().includes(query));
}

function validateCustomer(account: AccountState, item: CustomerWrite, creating: boolean, id?: number): FieldError[] {
  const errors: FieldError[] = [];
  const existing = id === undefined ? undefined : account.customers.get(id);
  if (id !== undefined && (!existing || existing.is_deleted)) {
    errors.push({ code: 'NotFound', path: 'id', detail: `Customer ${id} not found` });
  }
  if (creating && account.data.customersMode === 'periodicity' && item.next_date === undefined) {
    errors.push({ code: 'NotBlank', path: 'next_date', detail: 'next_date is required in periodicity mode' });
  }
  if (item.responsible_user_id !== undefined && !account.user(item.responsible_user_id)) {
    errors.push({ code: 'NotSupportedChoice', path: 'responsible_user_id', detail: 'Unknown user' });
  }
  if (item.custom_fields_values) errors.push(...resolveCustomFields(account.fieldsOf('customers'), item.custom_fields_values).errors);
  return errors;
}

function applyWrite(account: AccountState, customer: CustomerRecord, item: CustomerWrite): void {
  if (item.name !== undefined) customer.name = item.name;
  if (item.next_price !== undefined) customer.next_price = item.next_price;
  if (item.next_date !== undefined) customer.next_date = item.next_date;
  if (item.responsible_user_id !== undefined) customer.responsible_user_id = item.responsible_user_id;
  if (item.status_id !== undefined) customer.status_id = item.status_id;
  if (item.periodicity !== undefined) customer.periodicity = item.periodicity;
  if (item.custom_fields_values) {
    const { changes } = resolveCustomFields(account.fieldsOf('customers'), item.custom_fields_values);
    customer.custom_fields_values = applyCustomFieldChanges(customer.custom_fields_values, changes);
  }
  customer.tags = nextTags(customer.tags, item);
  if (item._embedded?.segments) customer.segment_ids = item._embedded.segments.map((s) => s.id);
}

function updateCustomer(deps: ApiDeps, account: AccountState, id: number, item: CustomerWrite, userId: number): CustomerRecord {
  const customer = account.customers.get(id);
  if (!customer || customer.is_deleted) throw new ApiProblem(404, 'Not Found', `Customer ${id} not found`);
  applyWrite(account, customer, item);
  customer.updated_by = item.updated_by ?? userId;
  customer.updated_at = item.updated_at ?? unixNow(deps);
  return customer;
}
