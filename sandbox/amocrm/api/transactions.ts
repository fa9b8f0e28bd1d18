import express, { Router } from 'express';
import { z } from 'zod';
import { parseBatch } from '../http/batch.js';
import { sendBatchResult, sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import { ApiProblem, type FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import type { TransactionRecord } from '../state/types.js';
import { accountOf, allowFilters, baseUrlOf, callerOf, idParam, intFilter, unixNow, type ApiDeps } from './context.js';
import { customerFromPath } from './customer-lookup.js';
import { transactionJson } from './serializers.js';
import { requestIdSchema } from './write-schemas.js';

/** Customer transactions (purchases): create (batch), list, get, delete. No update exists in amoCRM. */

const transactionCreateSchema = z.looseObject({
  // amoCRM documents price as int; a float is rejected here (whether the real API truncates is unconfirmed).
  price: z.number().int().min(0),
  comment: z.string().max(65_000).optional(),
  completed_at: z.number().int().min(0).optional(),
  next_price: z.number().int().min(0).optional(),
  next_date: z.number().int().min(0).optional(),
  created_by: z.number().int().min(0).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  _embedded: z
    .looseObject({
      catalog_elements: z
        .array(z.looseObject({ id: z.number().int().positive(), metadata: z.looseObject({ catalog_id: z.number().int().positive(), quantity: z.number().positive() }) }))
        .optional(),
    })
    .optional(),
  request_id: requestIdSchema,
});

const accrueBonusSchema = z.enum(['true', 'false', '1', '0']).optional();

export function transactionsRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get(['/customers/transactions', '/customers/:customerId/transactions'], (req, res) => {
    const account = accountOf(res);
    const customerId = req.params['customerId'] === undefined ? null : idParam(req, 'customerId');
    allowFilters(req, ['id']);
    const ids = intFilter(req, 'id');
    const list = [...account.transactions.values()].filter(
      (t) => !t.is_deleted && (customerId === null || t.customer_id === customerId) && (ids === null || ids.includes(t.id)),
    );
    const base = baseUrlOf(req, res);
    sendPagedList(req, res, 'transactions', list, (t) => transactionJson(account, t, base));
  });

  router.get(['/customers/transactions/:transactionId', '/customers/:customerId/transactions/:transactionId'], (req, res) => {
    const account = accountOf(res);
    const transaction = findTransaction(account, idParam(req, 'transactionId'), req.params['customerId'] === undefined ? undefined : String(req.params['customerId']));
    if (!transaction) return sendNoContent(res);
    sendHal(res, 200, transactionJson(account, transaction, baseUrlOf(req, res)));
  });

  router.post('/customers/:customerId/transactions', express.json(), (req, res) => {
    const account = accountOf(res);
    const customer = customerFromPath(req, res);
    const accrue = accrueBonusSchema.safeParse(req.query['accrue_bonus']);
    if (!accrue.success) throw new ApiProblem(400, 'Bad Request', 'accrue_bonus must be true or false');
    const items = parseBatch(req.body, transactionCreateSchema, (item) => unknownElements(account, item._embedded?.catalog_elements ?? []));
    const now = unixNow(deps);
    const userId = callerOf(res).userId;
    const created = items.map(({ item, requestId }) => {
      const transaction: TransactionRecord = {
        id: account.nextId(), customer_id: customer.id, price: item.price, comment: item.comment ?? null, completed_at: item.completed_at ?? now,
        is_deleted: false, created_by: item.created_by ?? userId, updated_by: item.created_by ?? userId, created_at: now, updated_at: now,
        catalog_elements: (item._embedded?.catalog_elements ?? []).map((e) => ({ id: e.id, metadata: { catalog_id: e.metadata.catalog_id, quantity: e.metadata.quantity } })),
        accrue_bonus: accrue.data === undefined ? true : accrue.data === 'true' || accrue.data === '1',
        metadata: item.metadata ?? null,
      };
      account.transactions.set(transaction.id, transaction);
      // next_price / next_date on a transaction update the customer (adding transactions, https://www.amocrm.ru/developers/content/crm_platform/customers-api).
      if (item.next_price !== undefined) customer.next_price = item.next_price;
      if (item.next_date !== undefined) customer.next_date = item.next_date;
      return { ...transactionJson(account, transaction, baseUrlOf(req, res)), request_id: requestId };
    });
    customer.updated_at = now;
    // The official SDK reads `_embedded.transactions` (the doc example's `_embedded.customers` is a slip).
    sendBatchResult(req, res, 200, 'transactions', created);
  });

  router.delete(['/customers/transactions/:transactionId', '/customers/:customerId/transactions/:transactionId'], (req, res) => {
    const account = accountOf(res);
    const transaction = findTransaction(account, idParam(req, 'transactionId'), req.params['customerId'] === undefined ? undefined : String(req.params['customerId']));
    if (!transaction) throw new ApiProblem(404, 'Not Found', 'Transaction not found');
    transaction.is_deleted = true;
    transaction.updated_at = unixNow(deps);
    // ltv / purchases_count / average_check are derived from live transactions, so they follow automatically.
    sendNoContent(res);
  });

  return router;
}

function findTransaction(account: AccountState, id: number | null, customerIdParam: string | undefined): TransactionRecord | undefined {
  const transaction = id === null ? undefined : account.transactions.get(id);
  if (!transaction || transaction.is_deleted) return undefined;
  if (customerIdParam !== undefined && String(transaction.customer_id) !== customerIdParam) return undefined;
  return transaction;
}

function unknownElements(account: AccountState, elements: Array<{ id: number; metadata: { catalog_id: number } }>): FieldError[] {
  return elements.flatMap((e, i) => {
    const element = account.catalogElements.get(e.id);
    return element && !element.is_deleted && element.catalog_id === e.metadata.catalog_id
      ? []
      : [{ code: 'NotFound', path: `_embedded.catalog_elements.${i}.id`, detail: `Catalog element ${e.id} not found in catalog ${e.metadata.catalog_id}` }];
  });
}
