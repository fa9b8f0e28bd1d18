import express, { Router } from 'express';
import { z } from 'zod';
import { parseBatch } from '../http/batch.js';
import { sendBatchResult, sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import type { FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import type { NoteRecord } from '../state/types.js';
import { customerNoteV2 } from '../webhooks/v2-payloads.js';
import { accountOf, allowFilters, baseUrlOf, callerOf, idParam, inRange, intFilter, rangeFilter, sortByOrder, stringFilter, unixNow, type ApiDeps } from './context.js';
import { customerFromPath } from './customer-lookup.js';
import { noteJson } from './serializers.js';
import { requestIdSchema } from './write-schemas.js';

/** Notes on customers: `POST /customers/notes` (items carry entity_id) or `/customers/{id}/notes`; list with filters. */

const NOTE_TYPES = ['common', 'call_in', 'call_out', 'service_message', 'message_cashier', 'geolocation', 'sms_in', 'sms_out', 'extended_service_message', 'attachment'] as const;

const noteCreateSchema = z.looseObject({
  entity_id: z.number().int().positive().optional(),
  note_type: z.enum(NOTE_TYPES),
  params: z.record(z.string(), z.unknown()).default({}),
  created_by: z.number().int().min(0).optional(),
  responsible_user_id: z.number().int().positive().optional(),
  is_need_to_trigger_digital_pipeline: z.boolean().optional(),
  request_id: requestIdSchema,
});
type NoteCreate = z.infer<typeof noteCreateSchema>;

export function notesRouter(deps: ApiDeps): Router {
  const router = Router();

  // crm_platform/events-and-notes «Список примечаний»: by entity type (filter[entity_id] allowed) or by one entity.
  router.get(['/customers/notes', '/customers/:customerId/notes'], (req, res) => {
    const account = accountOf(res);
    const pathCustomer = req.params['customerId'] === undefined ? null : idParam(req, 'customerId');
    allowFilters(req, pathCustomer === null ? ['id', 'entity_id', 'note_type', 'updated_at'] : ['id', 'note_type', 'updated_at']);
    const entityIds = intFilter(req, 'entity_id');
    const ids = intFilter(req, 'id');
    const types = stringFilter(req, 'note_type');
    const updated = rangeFilter(req, 'updated_at');
    const list = sortByOrder(req, [...account.notes.values()].filter(
      (n) =>
        (pathCustomer === null || n.entity_id === pathCustomer) && (entityIds === null || entityIds.includes(n.entity_id)) && (ids === null || ids.includes(n.id)) &&
        (types === null || types.includes(n.note_type)) && inRange(n.updated_at, updated),
    ));
    const base = baseUrlOf(req, res);
    sendPagedList(req, res, 'notes', list, (n) => noteJson(account, n, base));
  });

  router.get(['/customers/notes/:noteId', '/customers/:customerId/notes/:noteId'], (req, res) => {
    const account = accountOf(res);
    const note = account.notes.get(idParam(req, 'noteId') ?? -1);
    if (!note || (req.params['customerId'] !== undefined && String(note.entity_id) !== req.params['customerId'])) return sendNoContent(res);
    sendHal(res, 200, noteJson(account, note, baseUrlOf(req, res)));
  });

  router.post('/customers/notes', express.json(), (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, noteCreateSchema, (item) => validateNote(account, item, item.entity_id));
    createNotes(deps, req, res, items.map(({ item, requestId }) => ({ item, requestId, entityId: item.entity_id as number })));
  });

  router.post('/customers/:customerId/notes', express.json(), (req, res) => {
    const customer = customerFromPath(req, res);
    const items = parseBatch(req.body, noteCreateSchema, (item) => validateNote(accountOf(res), item, customer.id));
    createNotes(deps, req, res, items.map(({ item, requestId }) => ({ item, requestId, entityId: customer.id })));
  });

  return router;
}

function createNotes(deps: ApiDeps, req: express.Request, res: express.Response, items: Array<{ item: NoteCreate; requestId: string; entityId: number }>): void {
  const account = accountOf(res);
  const now = unixNow(deps);
  const userId = callerOf(res).userId;
  const created = items.map(({ item, requestId, entityId }) => {
    const note: NoteRecord = {
      id: account.nextId(), entity_id: entityId, note_type: item.note_type, params: item.params, responsible_user_id: item.responsible_user_id ?? userId,
      created_by: item.created_by ?? userId, updated_by: item.created_by ?? userId, created_at: now, updated_at: now,
    };
    account.notes.set(note.id, note);
    return { note, requestId };
  });
  deps.webhooks.dispatch(account, 'customers', 'note', created.map(({ note }) => customerNoteV2(account, note)));
  const base = baseUrlOf(req, res);
  sendBatchResult(req, res, 200, 'notes', created.map(({ note, requestId }) => ({ id: note.id, entity_id: note.entity_id, request_id: requestId, _links: { self: { href: `${base}/api/v4/customers/${note.entity_id}/notes/${note.id}` } } })));
}

function validateNote(account: AccountState, item: NoteCreate, entityId: number | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const customer = entityId === undefined ? undefined : account.customers.get(entityId);
  if (entityId === undefined) errors.push({ code: 'NotBlank', path: 'entity_id', detail: 'This value should not be blank.' });
  else if (!customer || customer.is_deleted) errors.push({ code: 'NotFound', path: 'entity_id', detail: `Customer ${entityId} not found` });
  const needs = item.note_type === 'service_message' || item.note_type === 'extended_service_message' ? ['service', 'text'] : item.note_type === 'common' ? ['text'] : [];
  for (const key of needs) {
    const value = item.params[key];
    if (typeof value !== 'string' || value.trim() === '') errors.push({ code: 'NotBlank', path: `params.${key}`, detail: 'This value should not be blank.' });
  }
  return errors;
}
