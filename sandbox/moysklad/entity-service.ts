import { randomUUID } from 'node:crypto';
import { ApiError, notFound, requiredField } from './api-error.js';
import type { ChangeSet, FieldDiff } from './change-set.js';
import type { EntityKind, KindServices } from './core-types.js';
import { ENTITY_KINDS } from './kinds/index.js';
import { toMskTimestamp } from './msk-time.js';
import { entityMeta, isObject, normalizeInputRefs } from './references.js';
import type { Doc } from './store.js';

/** Fields no client can set on any entity. */
const SERVER_FIELDS = ['id', 'meta', 'accountId', 'created', 'updated'];

export interface CreateOptions {
  /** Seed loading: keep `id`, `created`, `updated` and read-only fields from the input. */
  trusted?: boolean;
  /** false: skip the kind's side effects (balances) — the seed loader computes them itself. */
  applySideEffects?: boolean;
}

export function kindOf(type: string): EntityKind {
  const kind = ENTITY_KINDS.get(type);
  if (!kind) throw new ApiError(404, 1005, `Неизвестный тип сущности: '${type}'`);
  return kind;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function checkRequired(kind: EntityKind, doc: Doc): void {
  for (const field of kind.required) if (isEmpty(doc[field])) throw requiredField(field);
}

function clientInput(kind: EntityKind, input: unknown, trusted: boolean): Record<string, unknown> {
  if (!isObject(input)) throw new ApiError(400, 2001, 'Тело запроса должно быть JSON-объектом');
  const fields = normalizeInputRefs(input) as Record<string, unknown>;
  if (!trusted) for (const field of [...SERVER_FIELDS, ...kind.readOnly]) delete fields[field];
  return fields;
}

function diffOf(prev: Doc, next: Doc): Record<string, FieldDiff> {
  const diff: Record<string, FieldDiff> = {};
  for (const field of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    if (field === 'updated') continue;
    if (JSON.stringify(prev[field]) !== JSON.stringify(next[field]))
      diff[field] = { oldValue: prev[field], newValue: next[field] };
  }
  return diff;
}

/**
 * Create / update / delete with the rules of each entity kind. Every successful change is recorded
 * in the given ChangeSet; the caller commits it (audit + webhooks).
 */
export class EntityService {
  constructor(private readonly services: KindServices) {}

  create(type: string, input: unknown, changes: ChangeSet, options: CreateOptions = {}): { doc: Doc; created: boolean } {
    const kind = kindOf(type);
    const fields = clientInput(kind, input, options.trusted ?? false);
    if (kind.supportsSyncId && typeof fields.syncId === 'string') {
      // Idempotent create: the same syncId returns the object created the first time.
      const existing = this.services.store.findBy(type, 'syncId', fields.syncId);
      if (existing) return { doc: existing, created: false };
    }
    const now = toMskTimestamp(this.services.now());
    const id = options.trusted && typeof fields.id === 'string' ? fields.id : randomUUID();
    const doc: Doc = {
      meta: entityMeta(type, id),
      id,
      accountId: this.services.options.accountId,
      ...fields,
      updated: (options.trusted && fields.updated) || now,
      created: (options.trusted && fields.created) || now,
    };
    doc.id = id;
    doc.meta = entityMeta(type, id);
    checkRequired(kind, doc);
    kind.onCreate?.(doc, this.services);
    if (options.applySideEffects !== false) kind.beforeWrite?.(undefined, doc, this.services, changes);
    this.services.store.put(type, doc);
    changes.add({ entityType: type, entityId: id, action: 'CREATE', name: String(doc.name ?? '') });
    return { doc, created: true };
  }

  update(type: string, id: string, input: unknown, changes: ChangeSet): Doc {
    const kind = kindOf(type);
    const prev = this.services.store.get(type, id);
    if (!prev) throw notFound(type, id);
    const patch = clientInput(kind, input, false);
    if (patch.syncId !== undefined && prev.syncId !== undefined && patch.syncId !== prev.syncId)
      throw new ApiError(412, 1047, 'Поле syncId нельзя изменить', { parameter: 'syncId' });
    const next: Doc = { ...prev };
    for (const [field, value] of Object.entries(patch)) {
      // `null` clears an optional field; empty fields are omitted from responses.
      if (value === null) delete next[field];
      else next[field] = value;
    }
    checkRequired(kind, next);
    kind.onUpdate?.(prev, next, this.services);
    const diff = diffOf(prev, next);
    if (Object.keys(diff).length === 0) return prev;
    next.updated = toMskTimestamp(this.services.now());
    kind.beforeWrite?.(prev, next, this.services, changes);
    this.services.store.put(type, next);
    changes.add({ entityType: type, entityId: id, action: 'UPDATE', name: String(next.name ?? ''), diff });
    return next;
  }

  remove(type: string, id: string, changes: ChangeSet): void {
    const kind = kindOf(type);
    const prev = this.services.store.get(type, id);
    if (!prev) throw notFound(type, id);
    const dependencies = kind.blockers?.(id, this.services) ?? [];
    if (dependencies.length > 0)
      throw new ApiError(409, 1028, 'Объект уже используется и не может быть удален', {
        dependencies: dependencies.map((meta) => ({ meta })),
      });
    kind.beforeWrite?.(prev, undefined, this.services, changes);
    this.services.store.remove(type, id);
    changes.add({ entityType: type, entityId: id, action: 'DELETE', name: String(prev.name ?? '') });
  }
}
