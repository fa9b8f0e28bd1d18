import express, { Router } from 'express';
import { parseBatch, parseSingle } from '../http/batch.js';
import { sendBatchResult, sendHal, sendNoContent, sendPagedList } from '../http/hal.js';
import { ApiProblem, type FieldError } from '../http/problem.js';
import type { AccountState } from '../state/account-state.js';
import { applyCustomFieldChanges, resolveCustomFields } from '../state/custom-field-values.js';
import type { ContactRecord } from '../state/types.js';
import { contactV2 } from '../webhooks/v2-payloads.js';
import { accountOf, allowFilters, baseUrlOf, callerOf, idParam, intFilter, queryText, sortByOrder, unixNow, withSet, type ApiDeps } from './context.js';
import { contactJson } from './serializers.js';
import { contactBatchUpdateSchema, contactWriteSchema, nextTags, type ContactWrite } from './write-schemas.js';

/** Contacts: list with `query` (name, phone, e-mail), get, batch create/update. PHONE/EMAIL are multitext fields. */

export function contactsRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/contacts', (req, res) => {
    const account = accountOf(res);
    allowFilters(req, ['id']);
    const ids = intFilter(req, 'id');
    const query = queryText(req);
    const list = sortByOrder(req, [...account.contacts.values()].filter((c) => !c.is_deleted && (ids === null || ids.includes(c.id)) && (query === null || contactMatches(c, query))));
    const base = baseUrlOf(req, res);
    sendPagedList(req, res, 'contacts', list, (c) => contactJson(account, c, base, withSet(req)));
  });

  router.get('/contacts/:id', (req, res) => {
    const account = accountOf(res);
    const contact = account.contacts.get(idParam(req, 'id') ?? -1);
    if (!contact || contact.is_deleted) return sendNoContent(res);
    sendHal(res, 200, contactJson(account, contact, baseUrlOf(req, res), withSet(req)));
  });

  router.post('/contacts', express.json(), (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, contactWriteSchema, (item) => validateContact(account, item));
    const now = unixNow(deps);
    const userId = callerOf(res).userId;
    const created = items.map(({ item, requestId }) => {
      const contact: ContactRecord = {
        id: account.nextId(), name: '', first_name: '', last_name: '', responsible_user_id: item.responsible_user_id ?? userId, is_deleted: false,
        created_by: item.created_by ?? userId, updated_by: item.updated_by ?? userId, created_at: item.created_at ?? now, updated_at: item.updated_at ?? now,
        custom_fields_values: [], tags: [],
      };
      applyWrite(account, contact, item);
      account.contacts.set(contact.id, contact);
      return { contact, requestId };
    });
    deps.webhooks.dispatch(account, 'contacts', 'add', created.map(({ contact }) => contactV2(account, contact)));
    const base = baseUrlOf(req, res);
    sendBatchResult(req, res, 200, 'contacts', created.map(({ contact, requestId }) => ({ id: contact.id, request_id: requestId, _links: { self: { href: `${base}/api/v4/contacts/${contact.id}` } } })));
  });

  router.patch('/contacts', express.json(), (req, res) => {
    const account = accountOf(res);
    const items = parseBatch(req.body, contactBatchUpdateSchema, (item) => validateContact(account, item, item.id));
    const updated = items.map(({ item, requestId }) => ({ contact: updateContact(deps, account, item.id, item, callerOf(res).userId), requestId }));
    deps.webhooks.dispatch(account, 'contacts', 'update', updated.map(({ contact }) => contactV2(account, contact)));
    const base = baseUrlOf(req, res);
    sendBatchResult(req, res, 200, 'contacts', updated.map(({ contact, requestId }) => ({ id: contact.id, updated_at: contact.updated_at, request_id: requestId, _links: { self: { href: `${base}/api/v4/contacts/${contact.id}` } } })));
  });

  router.patch('/contacts/:id', express.json(), (req, res) => {
    const account = accountOf(res);
    const id = idParam(req, 'id') ?? -1;
    const body = parseSingle(req.body, contactWriteSchema, (item) => validateContact(account, item, id));
    const contact = updateContact(deps, account, id, body, callerOf(res).userId);
    deps.webhooks.dispatch(account, 'contacts', 'update', [contactV2(account, contact)]);
    sendHal(res, 200, contactJson(account, contact, baseUrlOf(req, res)));
  });

  return router;
}

const digitsOf = (text: string) => text.replace(/\D/g, '');

/**
 * `query` searches filled fields. Phones are compared by their last 10 digits so "+7 912 123-45-67" and
 * "89121234567" find the same contact (how the real search normalises phones is unconfirmed).
 */
function contactMatches(c: ContactRecord, query: string): boolean {
  const needle = query.toLowerCase();
  const texts = [c.name, c.first_name, c.last_name, ...c.custom_fields_values.flatMap((f) => f.values.map((v) => String(v.value)))];
  if (texts.some((t) => t.toLowerCase().includes(needle))) return true;
  const queryDigits = digitsOf(query).slice(-10);
  if (queryDigits.length < 5) return false;
  const phones = c.custom_fields_values.filter((f) => f.field_code === 'PHONE').flatMap((f) => f.values.map((v) => digitsOf(String(v.value))));
  return phones.some((p) => p.includes(queryDigits));
}

function validateContact(account: AccountState, item: ContactWrite, id?: number): FieldError[] {
  const errors: FieldError[] = [];
  const existing = id === undefined ? undefined : account.contacts.get(id);
  if (id !== undefined && (!existing || existing.is_deleted)) errors.push({ code: 'NotFound', path: 'id', detail: `Contact ${id} not found` });
  if (item.responsible_user_id !== undefined && !account.user(item.responsible_user_id)) errors.push({ code: 'NotSupportedChoice', path: 'responsible_user_id', detail: 'Unknown user' });
  if (item.custom_fields_values) errors.push(...resolveCustomFields(account.fieldsOf('contacts'), item.custom_fields_values).errors);
  return errors;
}

function applyWrite(account: AccountState, contact: ContactRecord, item: ContactWrite): void {
  if (item.first_name !== undefined) contact.first_name = item.first_name;
  if (item.last_name !== undefined) contact.last_name = item.last_name;
  if (item.name !== undefined) contact.name = item.name;
  else if (item.first_name !== undefined || item.last_name !== undefined) contact.name = `${contact.first_name} ${contact.last_name}`.trim();
  if (item.responsible_user_id !== undefined) contact.responsible_user_id = item.responsible_user_id;
  if (item.custom_fields_values) {
    // Multitext (PHONE/EMAIL) is replaced as a whole, like other fields (https://www.amocrm.ru/developers/content/crm_platform/contacts-api does not say; unconfirmed).
    const { changes } = resolveCustomFields(account.fieldsOf('contacts'), item.custom_fields_values);
    contact.custom_fields_values = applyCustomFieldChanges(contact.custom_fields_values, changes);
  }
  contact.tags = nextTags(contact.tags, item);
}

function updateContact(deps: ApiDeps, account: AccountState, id: number, item: ContactWrite, userId: number): ContactRecord {
  const contact = account.contacts.get(id);
  if (!contact || contact.is_deleted) throw new ApiProblem(404, 'Not Found', `Contact ${id} not found`);
  applyWrite(account, contact, item);
  contact.updated_by = item.updated_by ?? userId;
  contact.updated_at = item.updated_at ?? unixNow(deps);
  return contact;
}
