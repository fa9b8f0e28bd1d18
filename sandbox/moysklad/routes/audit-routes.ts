import express, { type Router } from 'express';
import { ApiError } from '../api-error.js';
import { contextEventType, presentAuditContext, presentAuditEvent, type AuditContextRecord } from '../audit-log.js';
import type { EmulatorCore } from '../core.js';
import { parseFilter, type FilterCondition } from '../filter.js';
import { sendJson } from '../gzip-json.js';
import { listEnvelope, parsePage } from '../list-query.js';
import { toMskTimestamp } from '../msk-time.js';
import { routeParam } from '../request-context.js';

const AUDIT_FILTER_FIELDS = new Set(['entityType', 'eventType', 'source', 'uid', 'moment']);

/** A context matches `entityType`/`eventType` when ANY of its events does (a till sale touches several types). */
function contextMatches(context: AuditContextRecord, conditions: FilterCondition[]): boolean {
  const byField = new Map<string, FilterCondition[]>();
  for (const c of conditions) byField.set(c.field, [...(byField.get(c.field) ?? []), c]);
  for (const [field, group] of byField) {
    const pass = (c: FilterCondition): boolean => {
      switch (field) {
        case 'entityType': return context.events.some((e) => e.entityType === c.value);
        case 'eventType':
          return contextEventType(context) === c.value || context.events.some((e) => e.action.toLowerCase() === c.value);
        case 'source': return context.source === c.value;
        case 'uid': return context.uid === c.value;
        default: {
          const moment = toMskTimestamp(context.moment);
          return c.operator === '>=' ? moment >= c.value : moment <= c.value;
        }
      }
    };
    const equals = group.filter((c) => c.operator === '=');
    if (equals.length > 0 && !equals.some(pass)) return false;
    if (!group.filter((c) => c.operator !== '=').every(pass)) return false;
  }
  return true;
}

function parseAuditFilter(text: unknown): FilterCondition[] {
  const conditions = parseFilter(text);
  for (const c of conditions) {
    if (!AUDIT_FILTER_FIELDS.has(c.field)) throw new ApiError(400, 1034, `Фильтрация по полю '${c.field}' не поддерживается`, { parameter: 'filter' });
    const allowed = c.field === 'moment' ? ['>=', '<='] : ['='];
    if (!allowed.includes(c.operator)) throw new ApiError(400, 1034, `Оператор '${c.operator}' недопустим для '${c.field}'`, { parameter: 'filter' });
  }
  return conditions;
}

/** `/audit`, `/audit/{id}`, `/audit/{id}/events`, `/entity/{type}/{id}/audit`; limit 1..100, default 25. */
export function auditRoutes(core: EmulatorCore): Router {
  const router = express.Router();

  router.get('/audit', (req, res) => {
    const query = req.query as Record<string, unknown>;
    const page = parsePage(query, 100, 25);
    const conditions = parseAuditFilter(query.filter);
    const matching = core.audit.all().filter((c) => contextMatches(c, conditions));
    const rows = matching.slice(page.offset, page.offset + page.limit).map(presentAuditContext);
    sendJson(res, 200, listEnvelope('/audit', query, 'audit', matching.length, rows, page));
  });

  router.get('/audit/:id', (req, res) => {
    const context = core.audit.get(routeParam(req, 'id'));
    if (!context) throw new ApiError(404, 1021, 'Контекст аудита не найден');
    sendJson(res, 200, presentAuditContext(context));
  });

  router.get('/audit/:id/events', (req, res) => {
    const query = req.query as Record<string, unknown>;
    const context = core.audit.get(routeParam(req, 'id'));
    if (!context) throw new ApiError(404, 1021, 'Контекст аудита не найден');
    const page = parsePage(query, 100, 25);
    const rows = context.events.slice(page.offset, page.offset + page.limit).map((e) => presentAuditEvent(context, e));
    sendJson(res, 200, listEnvelope(`/audit/${context.id}/events`, query, 'auditevent', context.events.length, rows, page));
  });

  router.get('/entity/:type/:id/audit', (req, res) => {
    const query = req.query as Record<string, unknown>;
    const page = parsePage(query, 100, 25);
    const path = `/entity/${routeParam(req, 'type')}/${routeParam(req, 'id')}/audit`;
    const found = core.audit.eventsOfEntity(routeParam(req, 'type'), routeParam(req, 'id'));
    const rows = found.slice(page.offset, page.offset + page.limit).map(({ context, event }) => presentAuditEvent(context, event));
    sendJson(res, 200, listEnvelope(path, query, 'auditevent', found.length, rows, page));
  });

  return router;
}
