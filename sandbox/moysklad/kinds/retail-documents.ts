import { randomUUID } from 'node:crypto';
import { ApiError, requiredField } from '../api-error.js';
import type { EntityKind, KindServices } from '../core-types.js';
import { FIXED_IDS } from '../fixtures.js';
import { isObject, ref, refTarget } from '../references.js';
import type { Doc } from '../store.js';
import {
  invalidField, momentNow, randomExternalCode, referencingDocs, refIdOf, requireRef, setDefault,
} from './kind-helpers.js';

const MAX_ARRAY_ITEMS = 1000;
const POSITION_TYPE: Record<string, string> = { retaildemand: 'demandposition', retailsalesreturn: 'salesreturnposition' };

/** Line total in kopecks: price × quantity minus the line discount (%), rounded to the kopeck. */
export function lineTotal(position: Record<string, unknown>): number {
  const price = Number(position.price ?? 0);
  const quantity = Number(position.quantity ?? 0);
  const discount = Number(position.discount ?? 0);
  return Math.round(price * quantity * (1 - discount / 100));
}

/** Accepts positions as a plain array or as `{rows:[…]}`; stores them with their own meta and id. */
function normalizePositions(type: string, doc: Doc, services: KindServices): void {
  const input = isObject(doc.positions) ? doc.positions.rows : doc.positions;
  if (input === undefined) {
    doc.positions = [];
    return;
  }
  if (!Array.isArray(input)) throw invalidField('positions', 'ожидается массив позиций');
  // «не более 1000 элементов в массиве» applies to nested arrays too (md/_restrictions.md) → 413.
  if (input.length > MAX_ARRAY_ITEMS) throw new ApiError(413, 1002, `В массиве может быть не более ${MAX_ARRAY_ITEMS} элементов`, { parameter: 'positions' });
  doc.positions = input.map((raw) => {
    if (!isObject(raw)) throw invalidField('positions', 'ожидается объект позиции');
    const target = refTarget(raw.assortment);
    if (!target) throw requiredField('positions.assortment');
    if (!services.store.get(target.type, target.id)) throw invalidField('positions.assortment', 'товар не найден');
    const quantity = raw.quantity ?? 1;
    const price = raw.price ?? 0;
    if (typeof quantity !== 'number' || quantity <= 0) throw invalidField('positions.quantity', 'ожидается число > 0');
    if (typeof price !== 'number' || price < 0) throw invalidField('positions.price', 'ожидается число копеек ≥ 0');
    const id = typeof raw.id === 'string' ? raw.id : randomUUID();
    return {
      meta: { href: `/entity/${type}/${doc.id}/positions/${id}`, type: POSITION_TYPE[type], mediaType: 'application/json' },
      id,
      accountId: doc.accountId,
      quantity,
      price,
      discount: Number(raw.discount ?? 0),
      vat: Number(raw.vat ?? 0),
      vatEnabled: Boolean(raw.vatEnabled ?? false),
      assortment: ref(target.type, target.id),
    };
  });
}

function recomputeSum(doc: Doc): void {
  const positions = doc.positions as Record<string, unknown>[];
  doc.sum = positions.reduce((total, p) => total + lineTotal(p), 0);
}

function retailDocumentKind(type: 'retaildemand' | 'retailsalesreturn'): EntityKind {
  return {
    type,
    required: ['agent'],
    readOnly: ['sum', 'deleted', 'cheque'],
    supportsSyncId: true,
    searchFields: ['name', 'description'],
    onCreate(doc, services) {
      requireRef(doc, 'agent', 'counterparty', services);
      if (type === 'retailsalesreturn' && doc.demand !== undefined) requireRef(doc, 'demand', 'retaildemand', services);
      setDefault(doc, 'name', services.nextNumber(type));
      setDefault(doc, 'externalCode', randomExternalCode());
      setDefault(doc, 'moment', momentNow(services));
      setDefault(doc, 'applicable', true);
      // retailShift is required by the real API; the emulator fills one fixed store/shift instead of
      // emulating shifts (documented difference).
      setDefault(doc, 'organization', ref('organization', FIXED_IDS.organization));
      setDefault(doc, 'retailStore', ref('retailstore', FIXED_IDS.retailStore));
      setDefault(doc, 'retailShift', ref('retailshift', FIXED_IDS.retailShift));
      normalizePositions(type, doc, services);
      recomputeSum(doc);
      const sum = Number(doc.sum);
      if (doc.cashSum === undefined && doc.noCashSum === undefined) {
        doc.cashSum = sum;
        doc.noCashSum = 0;
      }
      setDefault(doc, 'cashSum', 0);
      setDefault(doc, 'noCashSum', 0);
      setDefault(doc, 'qrSum', 0);
    },
    onUpdate(prev, next, services) {
      if (next.agent !== prev.agent) requireRef(next, 'agent', 'counterparty', services);
      if (next.positions !== prev.positions) {
        normalizePositions(type, next, services);
        recomputeSum(next);
      }
    },
    blockers(id, services) {
      if (type !== 'retaildemand') return [];
      return referencingDocs(services, ['retailsalesreturn'], (doc) => refIdOf(doc.demand, 'retaildemand') === id);
    },
    present(doc) {
      const positions = (doc.positions as unknown[]) ?? [];
      return {
        ...doc,
        positions: {
          meta: {
            href: `/entity/${type}/${doc.id}/positions`,
            type: POSITION_TYPE[type],
            mediaType: 'application/json',
            size: positions.length,
            limit: 1000,
            offset: 0,
          },
        },
      };
    },
  };
}

export const retailDemandKind = retailDocumentKind('retaildemand');
export const retailSalesReturnKind = retailDocumentKind('retailsalesreturn');
