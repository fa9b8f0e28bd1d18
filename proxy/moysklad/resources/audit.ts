import { buildFilter } from '../filter.js';
import { paginate } from '../paginate.js';
import { auditContextSchema, auditEventSchema, type AuditEvent } from '../schemas/events.js';
import type { MoySkladTransport } from '../transport.js';

/** Audit endpoints page at most 100 rows. */
const AUDIT_PAGE_SIZE = 100;

export class AuditApi {
  constructor(private readonly transport: MoySkladTransport) {}

  /**
   * Delete events of `entityType` since `since` (inclusive), the safety net for lost DELETE webhooks: entities
   * are deleted permanently, so the audit is the only place left that remembers them.
   */
  async *iterateDeletions(entityType: string, since: Date): AsyncGenerator<AuditEvent> {
    const filter = buildFilter([
      ['entityType', '=', entityType],
      ['eventType', '=', 'delete'],
      ['moment', '>=', since],
    ]);
    for await (const context of paginate(this.transport, '/audit', { filter, order: 'moment,asc' }, auditContextSchema, AUDIT_PAGE_SIZE)) {
      const eventsPath = context.events?.meta.href ?? `/audit/${encodeURIComponent(context.id)}/events`;
      for await (const event of paginate(this.transport, eventsPath, {}, auditEventSchema, AUDIT_PAGE_SIZE)) {
        // A bulk context can mix types and event kinds: filter again on our side.
        if (event.eventType === 'delete' && event.entityType === entityType) yield event;
      }
    }
  }
}
