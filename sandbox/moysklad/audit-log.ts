import type { ChangeEvent, ChangeSet } from './change-set.js';
import { toMskTimestamp } from './msk-time.js';
import { refMeta } from './references.js';
import { randomUUID } from 'node:crypto';

export interface AuditContextRecord {
  id: string;
  moment: number;
  uid: string;
  source: string;
  events: ChangeEvent[];
}

const EVENT_TYPE = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' } as const;

/** `/audit`: one context per change set, newest first, each with its events and field diffs. */
export class AuditLog {
  private readonly contexts: AuditContextRecord[] = [];

  record(changes: ChangeSet, moment: number): AuditContextRecord {
    const context: AuditContextRecord = {
      id: randomUUID(),
      moment,
      uid: changes.origin.uid,
      source: changes.origin.source,
      events: [...changes.events],
    };
    this.contexts.push(context);
    return context;
  }

  /** Newest first, like the real `/audit`. */
  all(): AuditContextRecord[] {
    return [...this.contexts].reverse();
  }

  get(id: string): AuditContextRecord | undefined {
    return this.contexts.find((c) => c.id === id);
  }

  eventsOfEntity(type: string, id: string): { context: AuditContextRecord; event: ChangeEvent }[] {
    const found: { context: AuditContextRecord; event: ChangeEvent }[] = [];
    for (const context of this.all())
      for (const event of context.events)
        if (event.entityType === type && event.entityId === id) found.push({ context, event });
    return found;
  }

  clear(): void {
    this.contexts.length = 0;
  }
}

/** Context-level `eventType`: the single kind of change, or `bulkoperation` when several objects changed. */
export function contextEventType(context: AuditContextRecord): string {
  if (context.events.length === 1) return EVENT_TYPE[context.events[0]!.action];
  return 'bulkoperation';
}

export function presentAuditContext(context: AuditContextRecord): Record<string, unknown> {
  const first = context.events[0];
  return {
    meta: { href: `/audit/${context.id}`, type: 'audit', mediaType: 'application/json' },
    id: context.id,
    uid: context.uid,
    moment: toMskTimestamp(context.moment),
    source: context.source,
    eventType: contextEventType(context),
    entityType: first?.entityType,
    objectCount: context.events.length,
    events: {
      meta: {
        href: `/audit/${context.id}/events`,
        type: 'auditevent',
        mediaType: 'application/json',
        size: context.events.length,
        limit: 100,
        offset: 0,
      },
    },
  };
}

export function presentAuditEvent(context: AuditContextRecord, event: ChangeEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    auditContext: { meta: { href: `/audit/${context.id}`, type: 'audit', mediaType: 'application/json' } },
    entity: { meta: refMeta(event.entityType, event.entityId) },
    entityType: event.entityType,
    eventType: EVENT_TYPE[event.action],
    moment: toMskTimestamp(context.moment),
    uid: context.uid,
    source: context.source,
    name: event.name,
    objectType: event.entityType,
    objectCount: 1,
  };
  if (event.diff) out.diff = event.diff;
  return out;
}
