import { z } from 'zod';
import { metaSchema, moscowTimestamp } from './common.js';

/**
 * Webhook payload МойСклад POSTs to our URL (`?requestId=` in the query). It carries no entity data: fetch
 * `events[].meta.href`.
 */
const webhookEventSchema = z.looseObject({
  meta: metaSchema,
  action: z.enum(['CREATE', 'UPDATE', 'DELETE', 'PROCESSED']),
  accountId: z.string(),
  updatedFields: z.array(z.string()).optional(),
});

const auditContextRefSchema = z.looseObject({
  meta: metaSchema,
  moment: moscowTimestamp,
  uid: z.string().optional(),
});

export const webhookPayloadSchema = z.looseObject({
  auditContext: auditContextRefSchema.optional(),
  events: z.array(webhookEventSchema).min(1),
});

/** A row of `GET /audit`. */
export const auditContextSchema = z.looseObject({
  meta: metaSchema,
  id: z.string(),
  moment: moscowTimestamp,
  uid: z.string().optional(),
  source: z.string().optional(),
  eventType: z.string().optional(),
  entityType: z.string().optional(),
  events: z.looseObject({ meta: z.looseObject({ href: z.string() }) }).optional(),
});

/** A row of `GET /audit/{id}/events` (and of `/entity/{type}/{id}/audit`). */
export const auditEventSchema = z.looseObject({
  entity: z.looseObject({ meta: metaSchema }).optional(),
  entityType: z.string(),
  eventType: z.string(),
  moment: moscowTimestamp,
  uid: z.string().optional(),
  source: z.string().optional(),
  name: z.string().optional(),
  diff: z.record(z.string(), z.unknown()).optional(),
  audit: z.looseObject({ meta: metaSchema }).optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
