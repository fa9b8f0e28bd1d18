import type { KindServices, PresentCache } from './core-types.js';
import { ENTITY_KINDS } from './kinds/index.js';
import { isObject, refTarget } from './references.js';
import type { Doc } from './store.js';

/** `expand=agent,positions.assortment` as a tree; nesting beyond 3 levels is cut off like the real API. */
export type ExpandTree = Map<string, ExpandTree>;

const MAX_EXPAND_DEPTH = 3;

export function parseExpand(text: unknown): ExpandTree {
  const tree: ExpandTree = new Map();
  if (typeof text !== 'string' || text.trim() === '') return tree;
  for (const path of text.split(',')) {
    let node = tree;
    for (const segment of path.trim().split('.').slice(0, MAX_EXPAND_DEPTH)) {
      if (!segment) break;
      let child = node.get(segment);
      if (!child) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    }
  }
  return tree;
}

/** Turns stored documents into response objects: computed fields, MetaArrays, expanded references. */
export class Presenter {
  constructor(private readonly services: KindServices) {}

  present(type: string, doc: Doc, expand: ExpandTree = new Map(), cache: PresentCache = new Map()): Record<string, unknown> {
    const kind = ENTITY_KINDS.get(type);
    const out = kind?.present ? kind.present(doc, this.services, cache) : { ...doc };
    for (const [field, subtree] of expand) {
      if (field === 'positions' && Array.isArray(doc.positions) && isObject(out.positions)) {
        out.positions = {
          ...out.positions,
          rows: doc.positions.map((p: Record<string, unknown>) => this.expandRefs(p, subtree, cache)),
        };
        continue;
      }
      out[field] = this.expandValue(out[field], subtree, cache);
    }
    return out;
  }

  /** Expands references inside a nested object that is not itself an entity (e.g. a position). */
  expandRefs(value: Record<string, unknown>, expand: ExpandTree, cache: PresentCache): Record<string, unknown> {
    const out = { ...value };
    for (const [field, subtree] of expand) out[field] = this.expandValue(out[field], subtree, cache);
    return out;
  }

  private expandValue(value: unknown, subtree: ExpandTree, cache: PresentCache): unknown {
    const target = refTarget(value);
    if (!target) return value;
    const doc = this.services.store.get(target.type, target.id);
    // An unknown reference (e.g. retailstore, which the emulator does not store) stays a plain meta.
    return doc ? this.present(target.type, doc, subtree, cache) : value;
  }
}
