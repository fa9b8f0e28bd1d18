import type { ChangeSet } from './change-set.js';
import type { ResolvedOptions } from './options.js';
import type { RefMeta } from './references.js';
import type { Doc, EntityStore } from './store.js';

/** What entity rules may use: state, clock and settings — nothing HTTP. */
export interface KindServices {
  store: EntityStore;
  options: ResolvedOptions;
  now(): number;
  /** Next document number for a type ("00001", "00002", …). */
  nextNumber(type: string): string;
}

/** Per-request memo for computed fields (e.g. sales per counterparty) so a 1000-row page stays linear. */
export type PresentCache = Map<string, unknown>;

/** The rules of one entity type; the generic EntityService calls them in a fixed order. */
export interface EntityKind {
  type: string;
  /** Fields that must be present and non-empty after create/update (error 3000). */
  required: readonly string[];
  /** Server-owned fields silently dropped from client input. */
  readOnly: readonly string[];
  supportsSyncId: boolean;
  /** Fields the `search` parameter looks in. */
  searchFields?: readonly string[];
  /** Fill defaults and validate a new object (id, meta, timestamps are already set). */
  onCreate?(doc: Doc, services: KindServices): void;
  /** Validate / recompute after a patch was merged into `next`. */
  onUpdate?(prev: Doc, next: Doc, services: KindServices): void;
  /** Last step before the write (after all validation); may still refuse, then applies side effects. */
  beforeWrite?(prev: Doc | undefined, next: Doc | undefined, services: KindServices, changes: ChangeSet): void;
  /** Objects that prevent deleting this one (409/1028). */
  blockers?(id: string, services: KindServices): RefMeta[];
  /** Output form with computed fields. Must not mutate `doc`. */
  present?(doc: Doc, services: KindServices, cache: PresentCache): Record<string, unknown>;
}
