import express, { type Router } from 'express';
import { ApiError } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { matchesFilter, parseFilter, type FilterCondition } from '../filter.js';
import { ASSORTMENT_FILTERABLE, checkFilterable, LEGACY_ASSORTMENT_FILTERABLE } from '../filterable-fields.js';
import { sendJson } from '../gzip-json.js';
import { refIdOf } from '../kinds/kind-helpers.js';
import { listEnvelope, parseOrder, parsePage, sortRows } from '../list-query.js';
import { parseExpand, type ExpandTree } from '../presenter.js';
import { isObject, parseHref } from '../references.js';
import type { Doc } from '../store.js';

/** The header that selects the new endpoint (md/dictionaries/_assortment.md); without it the deprecated one answers. */
const BETA_HEADER = 'x-lognex-remap-beta-feature';
const BETA_FEATURE = 'assortmentWithoutStock';
/** «Поддерживаются только: product, images, components первого уровня» (the new endpoint's expand). */
const NEW_ENDPOINT_EXPAND = new Set(['product', 'images', 'components']);
const MAX_LIMIT_WITH_EXPAND = 100;

interface Row {
  type: 'product' | 'variant';
  doc: Doc;
  /** What filters compare: the presented row plus the filter-only fields. */
  view: Record<string, unknown>;
  folderId: string | undefined;
}

/**
 * `GET /entity/assortment`: products and modifications in one list (no services, bundles or batches are emulated).
 * `filter=productFolder=<href>` keeps the items of that folder and, by default (`withSubFolders=true`), of all its
 * sub-folders; `withSubFolders=false` keeps only the folder itself. A modification is in its product's folder.
 * `type=product|variant`, `archived` (default: only non-archived items), and the other documented filters apply;
 * anything else is 412/1034. The deprecated endpoint (no beta header) adds `stock`, `reserve`, `inTransit`,
 * `quantity` (always 0: stock is not emulated) and takes its own filter list.
 */
export function assortmentRoutes(core: EmulatorCore): Router {
  const router = express.Router();

  router.get('/entity/assortment', (req, res) => {
    const query = req.query as Record<string, unknown>;
    const beta = String(req.get(BETA_HEADER) ?? '').split(',').map((part) => part.trim()).includes(BETA_FEATURE);
    const page = parsePage(query);
    const conditions = parseFilter(query.filter);
    checkFilterable(beta ? ASSORTMENT_FILTERABLE : LEGACY_ASSORTMENT_FILTERABLE, conditions);
    const groupBy = query.groupBy ?? 'variant';
    if (!['product', 'variant', 'consignment'].includes(String(groupBy)))
      throw new ApiError(400, 1041, `Неверное значение '${String(groupBy)}' параметра 'groupBy', допустимые значения: 'product, variant, consignment'`, { parameter: 'groupBy' });

    const cache = new Map<string, unknown>();
    let rows = allRows(core, cache).filter((row) => groupBy !== 'product' || row.type === 'product');
    rows = applyFolderFilter(core, rows, conditions);
    const rest = conditions.filter((c) => !SPECIAL.has(c.field) && !(beta ? false : LEGACY_STOCK.has(c.field)));
    const typed = conditions.filter((c) => c.field === 'type').map((c) => c.value);
    if (typed.length > 0) rows = rows.filter((row) => typed.includes(row.type));
    if (!conditions.some((c) => c.field === 'archived')) rows = rows.filter((row) => row.view.archived !== true);
    if (!beta) rows = applyLegacyStockFilters(rows, conditions);
    const search = beta ? query.search : conditions.find((c) => c.field === 'search')?.value;
    if (typeof search === 'string' && search !== '') {
      const needle = search.toLowerCase();
      rows = rows.filter((row) => ['name', 'code', 'article'].some((field) => String(row.view[field] ?? '').toLowerCase().includes(needle)));
    }
    rows = rows.filter((row) => matchesFilter(row.view, rest.map((c) => (c.field === 'pathname' ? { ...c, field: 'pathName' } : c))));
    const sorted = sortRows(rows, parseOrder(query.order), (row) => row.view);

    const expand = page.limit <= MAX_LIMIT_WITH_EXPAND ? parseExpand(query.expand) : new Map();
    const usable: ExpandTree = beta ? new Map([...expand].filter(([field]) => NEW_ENDPOINT_EXPAND.has(field)).map(([field]) => [field, new Map()])) : expand;
    const pageRows = sorted.slice(page.offset, page.offset + page.limit).map((row) => {
      const presented = core.presenter.present(row.type, row.doc, usable, cache);
      return beta ? presented : { ...presented, stock: 0, reserve: 0, inTransit: 0, quantity: 0 };
    });
    sendJson(res, 200, listEnvelope('/entity/assortment', query, 'assortment', sorted.length, pageRows, page, '/entity/assortment/metadata'));
  });

  return router;
}

/** Conditions handled here rather than by the generic matcher. */
const SPECIAL = new Set(['productFolder', 'withSubFolders', 'type', 'search']);
const LEGACY_STOCK = new Set(['stockMode', 'quantityMode', 'stockMoment', 'stockStore']);

function allRows(core: EmulatorCore, cache: Map<string, unknown>): Row[] {
  const products = core.store.list('product').map((doc): Row => {
    const view = core.presenter.present('product', doc, new Map(), cache);
    return { type: 'product', doc, view: withBarcode(doc, view), folderId: refIdOf(doc.productFolder, 'productfolder') };
  });
  const byId = new Map(products.map((row) => [row.doc.id, row]));
  const variants = core.store.list('variant').flatMap((doc): Row[] => {
    const product = byId.get(refIdOf(doc.product, 'product') ?? '');
    if (!product) return [];
    const view = core.presenter.present('variant', doc, new Map(), cache);
    // A modification sits in its product's folder, and is archived with it (the docs do not say; chosen here).
    return [{
      type: 'variant', doc, folderId: product.folderId,
      view: { ...withBarcode(doc, view), pathName: product.view.pathName, productFolder: product.view.productFolder, archived: doc.archived === true || product.view.archived === true },
    }];
  });
  return [...products, ...variants];
}

function withBarcode(doc: Doc, view: Record<string, unknown>): Record<string, unknown> {
  const barcodes = Array.isArray(doc.barcodes) ? doc.barcodes.flatMap((b) => (isObject(b) ? Object.values(b).map(String) : [])) : [];
  return { ...view, barcode: barcodes };
}

/**
 * `productFolder=` values are ORed, `productFolder!=` values exclude; with `withSubFolders` (default true) a folder
 * stands for its whole subtree.
 */
function applyFolderFilter(core: EmulatorCore, rows: Row[], conditions: readonly FilterCondition[]): Row[] {
  const folderConditions = conditions.filter((c) => c.field === 'productFolder');
  if (folderConditions.length === 0) return rows;
  const flag = conditions.find((c) => c.field === 'withSubFolders')?.value;
  if (flag !== undefined && flag !== 'true' && flag !== 'false')
    throw new ApiError(412, 1014, `Неверное значение '${flag}' параметра фильтрации 'withSubFolders'`, { parameter: 'filter' });
  const withSubFolders = flag !== 'false';
  const scope = (value: string): Set<string> => {
    const target = parseHref(value);
    if (!target || target.type !== 'productfolder') throw new ApiError(412, 1014, `Неверное значение '${value}' параметра фильтрации 'productFolder'`, { parameter: 'filter' });
    return withSubFolders ? subtree(core, target.id) : new Set([target.id]);
  };
  const included = folderConditions.filter((c) => c.operator === '=').map((c) => scope(c.value));
  const excluded = folderConditions.filter((c) => c.operator === '!=').map((c) => scope(c.value));
  return rows.filter((row) => {
    const folder = row.folderId ?? '';
    if (included.length > 0 && !included.some((set) => set.has(folder))) return false;
    return !excluded.some((set) => set.has(folder));
  });
}

function subtree(core: EmulatorCore, rootId: string): Set<string> {
  const ids = new Set([rootId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const folder of core.store.list('productfolder')) {
      const parent = refIdOf(folder.productFolder, 'productfolder');
      if (parent && ids.has(parent) && !ids.has(folder.id)) {
        ids.add(folder.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** Stock is always 0 here: `all` and `empty` keep every item, any other mode keeps none. */
function applyLegacyStockFilters(rows: Row[], conditions: readonly FilterCondition[]): Row[] {
  for (const c of conditions) {
    if (c.field !== 'stockMode' && c.field !== 'quantityMode') continue;
    if (!['all', 'positiveOnly', 'negativeOnly', 'empty', 'nonEmpty', 'underMinimum'].includes(c.value))
      throw new ApiError(412, 1041, `Неверное значение '${c.value}' параметра фильтрации '${c.field}'`, { parameter: 'filter' });
    if (c.value !== 'all' && c.value !== 'empty') return [];
  }
  return rows;
}
