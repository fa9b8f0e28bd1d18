import { z } from 'zod';
import { PermanentJobError } from './worker.js';

/**
 * What an admin must be told about a failed job, in words the widget can translate: what (the entity), why (the
 * field and the refusing service's own message) and what to do (a hint code). Stored with the failed job
 * (`jobs.problem_json`) and shown on the widget's settings page; the raw error text stays for the logs.
 */
const JOB_PROBLEM_HINTS = [
  /** The data in МойСклад is what the other side refuses: correct it there (the change syncs by itself), skip this job. */
  'fix_in_moysklad',
  /** The МойСклад connection is gone: connect again in the widget settings, then retry. */
  'reconnect_moysklad',
  /** amoCRM access is gone: reinstall the widget in amoCRM, then retry. */
  'reinstall_widget',
  /** amoCRM refused for the account's plan: check it, then retry. */
  'amocrm_tariff',
  /** The record was deleted in amoCRM: nothing to update, skip this job. */
  'deleted_in_amocrm',
  /** A temporary failure: retry later; write to support if it stays. */
  'retry_later',
] as const;
export type JobProblemHint = (typeof JOB_PROBLEM_HINTS)[number];

export const jobProblemSchema = z.object({
  /** МойСклад entity type (`counterparty`, `product`, `retaildemand`…), its id and display name, as far as known. */
  entity: z.object({ type: z.string().max(40), moyskladId: z.string().max(64).nullable(), name: z.string().max(300).nullable() }).nullable(),
  /** The refused field as the refusing API names it (e.g. `name`, `custom_fields_values.0.values.0.value`). */
  field: z.string().max(300).nullable(),
  /** The refusing service's own message, verbatim (it is shown as a quote). */
  message: z.string().max(1000).nullable(),
  hint: z.enum(JOB_PROBLEM_HINTS),
});
export type JobProblem = z.infer<typeof jobProblemSchema>;

/** A permanent failure that knows what to tell the admin. Sync rules throw it for an entity the other side refused. */
export class ReadableJobError extends PermanentJobError {
  declare readonly problem: JobProblem;
  constructor(problem: JobProblem, message: string, options?: ErrorOptions) {
    super(message, { ...options, problem });
    this.name = 'ReadableJobError';
  }
}

/** The shape of amoCRM's `validation-errors`, mapped to our batch items (`AmoValidationError.items`). */
type ValidationItems = ReadonlyArray<{ item?: unknown; errors: ReadonlyArray<{ code?: string | undefined; path?: string | undefined; detail?: string | undefined }> }>;

/**
 * amoCRM refused an entity as invalid (400 with `validation-errors`): the first rejected field and amoCRM's words for
 * it. The display name comes from the caller, else from the rejected item's `name`.
 */
export function refusedEntityProblem(entity: { type: string; moyskladId: string | null; name?: string | null }, items: ValidationItems): JobProblem {
  const rejected = items.find((item) => item.errors.length > 0);
  const error = rejected?.errors[0];
  const itemName = rejected?.item !== null && typeof rejected?.item === 'object' ? (rejected.item as { name?: unknown }).name : undefined;
  const name = entity.name ?? (typeof itemName === 'string' && itemName.trim() !== '' ? itemName.trim() : null);
  return {
    entity: { type: entity.type, moyskladId: entity.moyskladId, name: name?.slice(0, 300) ?? null },
    field: error?.path?.slice(0, 300) || null,
    message: (error?.detail ?? error?.code)?.slice(0, 1000) || null,
    hint: 'fix_in_moysklad',
  };
}

/** Reads a stored problem; anything that does not parse is no problem at all (the raw error is shown instead). */
export function parseJobProblem(json: string | null): JobProblem | null {
  if (!json) return null;
  try {
    const parsed = jobProblemSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
