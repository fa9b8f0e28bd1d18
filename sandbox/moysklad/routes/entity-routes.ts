import express, { type Request, type Response, type Router } from 'express';
import { ApiError, notFound } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { kindOf } from '../entity-service.js';
import { matchesFilter, parseFilter } from '../filter.js';
import { checkFilterable, FILTERABLE } from '../filterable-fields.js';
import { refIdOf } from '../kinds/kind-helpers.js';
import { sendJson } from '../gzip-json.js';
import { listEnvelope, parseOrder, parsePage, sortRows } from '../list-query.js';
import { parseExpand, type ExpandTree } from '../presenter.js';
import { isObject, parseHref } from '../references.js';
import { jsonBody, requestOrigin, routeParam } from '../request-context.js';
import type { Doc } from '../store.js';

const MAX_BULK_ITEMS = 1000;
const DOCUMENT_TYPES = new Set(['retaildemand', 'retailsalesreturn']);

/**
 * Filter-only pseudo-fields: on documents `isDeleted` (no trash here, so always false) and `assortment` (documents
 * containing a product or variant: `filter=assortment=<href>`); on products and variants `barcode` (the values of
 * `barcodes`); on variants `productid` (the id of their product, md/dictionaries/_variant.md).
 */
function filterView(type: string, doc: Doc, view: Record<string, unknown>): Record<string, unknown> {
  if (DOCUMENT_TYPES.has(type)) {
    const positions = Array.isArray(doc.positions) ? (doc.positions as Record<string, unknown>[]) : [];
    return { ...view, isDeleted: false, assortment: positions.map((p) => p.assortment) };
  }
  if (type !== 'product' && type !== 'variant') return view;
  const barcodes = Array.isArray(doc.barcodes) ? doc.barcodes.flatMap((b) => (isObject(b) ? Object.values(b).map(String) : [])) : [];
  return { ...view, barcode: barcodes, ...(type === 'variant' ? { productid: refIdOf(doc.product, 'product') } : {}) };
}
/** With `expand`, pages must be ≤ 100; a larger limit silently drops the expand. */
const MAX_LIMIT_WITH_EXPAND = 100;

function effectiveExpand(query: Record<string, unknown>, limit: number): ExpandTree {
  return limit <= MAX_LIMIT_WITH_EXPAND ? parseExpand(query.expand) : new Map();
}

function matchesSearch(row: Record<string, unknown>, fields: readonly string[], search: string): boolean {
  const needle = search.toLowerCase();
  return fields.some((field) => typeof row[field] === 'string' && (row[field] as string).toLowerCase().includes(needle));
}

function checkBulkSize(items: unknown[]): void {
  if (items.length > MAX_BULK_ITEMS)
    throw new ApiError(413, 1002, `В массиве может быть не более ${MAX_BULK_ITEMS} элементов`);
}

/** Generic CRUD for every entity kind under `/entity/{type}`. */
export function entityRoutes(core: EmulatorCore): Router {
  const router = express.Router();
  const typeOf = (req: Request) => kindOf(routeParam(req, 'type')).type;
  const findDoc = (type: string, id: string): Doc => {
    const doc = core.store.get(type, id);
    if (!doc) throw notFound(type, id);
    return doc;
  };
  const presentOne = (res: Response, type: string, doc: Doc, req: Request) =>
    sendJson(res, 200, core.presenter.present(type, doc, parseExpand((req.query as Record<string, unknown>).expand)));

  router.get('/entity/:type', (req, res) => {
    const type = typeOf(req);
    const query = req.query as Record<string, unknown>;
    const page = parsePage(query);
    const conditions = parseFilter(query.filter);
    checkFilterable(FILTERABLE[type], conditions);
    const cache = new Map<string, unknown>();
    let rows = core.store.list(type).map((doc) => ({ doc, view: core.presenter.present(type, doc, new Map(), cache) }));
    rows = rows.filter(({ doc, view }) => matchesFilter(filterView(type, doc, view), conditions));
    if (typeof query.search === 'string' && query.search !== '')
      rows = rows.filter(({ view }) => matchesSearch(view, kindOf(type).searchFields ?? ['name'], query.search as string));
    const sorted = sortRows(rows, parseOrder(query.order), (row) => row.view).map((row) => row.doc);
    const expand = effectiveExpand(query, page.limit);
    const pageRows = sorted.slice(page.offset, page.offset + page.limit).map((doc) => core.presenter.present(type, doc, expand, cache));
    sendJson(res, 200, listEnvelope(`/entity/${type}`, query, type, sorted.length, pageRows, page, `/entity/${type}/metadata`));
  });

  router.post('/entity/:type', (req, res) => {
    const type = typeOf(req);
    const body = jsonBody(req);
    const expand = parseExpand((req.query as Record<string, unknown>).expand);
    const changes = core.changeSet(requestOrigin(req, res));
    if (Array.isArray(body)) {
      // Bulk upsert: items with `meta` are updated, the others created; each fails on its own.
      checkBulkSize(body);
      const results = body.map((item) => {
        try {
          const target = isObject(item) && isObject(item.meta) && typeof item.meta.href === 'string' ? parseHref(item.meta.href) : null;
          const doc = target ? core.entities.update(type, target.id, item, changes) : core.entities.create(type, item, changes).doc;
          return core.presenter.present(type, doc, expand);
        } catch (error) {
          if (error instanceof ApiError) return { errors: [error.toItem()] };
          throw error;
        }
      });
      core.commit(changes);
      sendJson(res, 200, results);
      return;
    }
    const { doc } = core.entities.create(type, body, changes);
    core.commit(changes);
    sendJson(res, 200, core.presenter.present(type, doc, expand));
  });

  router.post('/entity/:type/delete', (req, res) => {
    const type = typeOf(req);
    const body = jsonBody(req);
    if (!Array.isArray(body)) throw new ApiError(400, 2001, 'Ожидается массив объектов с meta');
    checkBulkSize(body);
    const changes = core.changeSet(requestOrigin(req, res));
    const results = body.map((item) => {
      try {
        const target = isObject(item) && isObject(item.meta) && typeof item.meta.href === 'string' ? parseHref(item.meta.href) : null;
        if (!target || target.type !== type) throw new ApiError(412, 3000, "Ошибка сохранения объекта: поле 'meta' не может быть пустым или отсутствовать", { parameter: 'meta' });
        core.entities.remove(type, target.id, changes);
        return { info: `Сущность '${type}' с UUID: ${target.id} успешно удалена` };
      } catch (error) {
        if (error instanceof ApiError) return { errors: [error.toItem()] };
        throw error;
      }
    });
    core.commit(changes);
    sendJson(res, 200, results);
  });

  router.get('/entity/:type/syncid/:syncId', (req, res) => {
    const type = typeOf(req);
    const doc = core.store.findBy(type, 'syncId', routeParam(req, 'syncId'));
    if (!doc) throw notFound(type, routeParam(req, 'syncId'));
    presentOne(res, type, doc, req);
  });

  router.get('/entity/:type/:id', (req, res) => {
    const type = typeOf(req);
    presentOne(res, type, findDoc(type, routeParam(req, 'id')), req);
  });

  router.put('/entity/:type/:id', (req, res) => {
    const type = typeOf(req);
    const changes = core.changeSet(requestOrigin(req, res));
    const doc = core.entities.update(type, routeParam(req, 'id'), jsonBody(req), changes);
    core.commit(changes);
    presentOne(res, type, doc, req);
  });

  router.delete('/entity/:type/:id', (req, res) => {
    const type = typeOf(req);
    const changes = core.changeSet(requestOrigin(req, res));
    core.entities.remove(type, routeParam(req, 'id'), changes);
    core.commit(changes);
    res.status(200).end();
  });

  const positionsOf = (req: Request): { type: string; positions: Record<string, unknown>[] } => {
    const type = typeOf(req);
    const doc = findDoc(type, routeParam(req, 'id'));
    if (!Array.isArray(doc.positions)) throw new ApiError(404, 1005, `У сущности '${type}' нет позиций`);
    return { type, positions: doc.positions as Record<string, unknown>[] };
  };

  router.get('/entity/:type/:id/positions', (req, res) => {
    const { type, positions } = positionsOf(req);
    const query = req.query as Record<string, unknown>;
    const page = parsePage(query);
    const expand = effectiveExpand(query, page.limit);
    const rows = positions.slice(page.offset, page.offset + page.limit).map((p) => core.presenter.expandRefs(p, expand, new Map()));
    const positionType = String((positions[0]?.meta as { type?: string } | undefined)?.type ?? 'demandposition');
    sendJson(res, 200, listEnvelope(`/entity/${type}/${routeParam(req, 'id')}/positions`, query, positionType, positions.length, rows, page));
  });

  router.get('/entity/:type/:id/positions/:positionId', (req, res) => {
    const { positions } = positionsOf(req);
    const position = positions.find((p) => p.id === routeParam(req, 'positionId'));
    if (!position) throw notFound('position', routeParam(req, 'positionId'));
    sendJson(res, 200, core.presenter.expandRefs(position, parseExpand((req.query as Record<string, unknown>).expand), new Map()));
  });

  return router;
}
