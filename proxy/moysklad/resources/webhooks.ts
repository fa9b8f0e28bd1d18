import { z } from 'zod';
import { paginate, collect } from '../paginate.js';
import { errorItemSchema } from '../schemas/common.js';
import { webhookSchema, type Webhook } from '../schemas/entities.js';
import { MoySkladError } from '../errors.js';
import type { MoySkladTransport } from '../transport.js';

/** МойСклад: «Веб-хук с такими entityType, action и url уже существует». */
const DUPLICATE_WEBHOOK = 30003;
/** МойСклад: «Нельзя создать больше '5' веб-хуков одинакового типа на одну сущность» (md/_errors.md). */
export const WEBHOOK_LIMIT_CODE = 30007;

/**
 * 30007: the account already has 5 webhooks for this (entityType, action) — other integrations (a website plugin,
 * another CRM) took the slots. Nothing was created; this entity type has to be polled instead.
 */
export class MoySkladWebhookLimitError extends MoySkladError {
  readonly entityType: string;
  readonly action: WebhookSpec['action'];
  constructor(spec: WebhookSpec, cause: MoySkladError) {
    super(`МойСклад refused a ${spec.action} webhook for ${spec.entityType}: 5 already exist for that entity type and action (30007)`, {
      status: cause.status, code: cause.code, moreInfo: cause.moreInfo, request: cause.request, requestId: cause.requestId, errors: cause.errors, cause,
    });
    this.entityType = spec.entityType;
    this.action = spec.action;
  }
}

export interface WebhookSpec {
  url: string;
  entityType: string;
  action: 'CREATE' | 'UPDATE' | 'DELETE';
  /** Only with UPDATE. */
  diffType?: 'NONE' | 'FIELDS';
}

export interface EnsureWebhooksResult {
  created: Webhook[];
  enabled: Webhook[];
  removed: Webhook[];
  kept: Webhook[];
  /**
   * Specs МойСклад refused. `code === WEBHOOK_LIMIT_CODE` (30007): five webhooks of that type and action exist
   * already, from other apps — poll that type instead.
   */
  refused: { spec: WebhookSpec; code: number | undefined; error: string }[];
}

/** One element of a bulk answer: the webhook, or `{ errors }` in the place of an item that failed. */
const bulkItemSchema = z.union([z.looseObject({ errors: z.array(errorItemSchema).min(1) }), webhookSchema]);
const BULK_MAX = 1000;

const metaOf = (hook: Webhook, baseUrl: string) => hook.meta ?? { href: `${baseUrl}/entity/webhook/${hook.id}`, type: 'webhook', mediaType: 'application/json' };

const sameSpec = (hook: Webhook, spec: WebhookSpec) => hook.url === spec.url && hook.entityType === spec.entityType && hook.action === spec.action;

export class WebhooksApi {
  constructor(private readonly transport: MoySkladTransport) {}

  /** Every API webhook of the account — other integrations' too (API 1.2 lists all webhooks created through it). */
  list(): Promise<Webhook[]> {
    return collect(paginate(this.transport, '/entity/webhook', {}, webhookSchema));
  }

  /** Ours only: the account's webhooks whose URL starts with `ownedUrlPrefix`. */
  async listOwn(ownedUrlPrefix: string): Promise<Webhook[]> {
    return (await this.list()).filter((hook) => hook.url.startsWith(ownedUrlPrefix));
  }

  /** Throws MoySkladWebhookLimitError when the (entityType, action) already has 5 webhooks (30007). */
  async create(spec: WebhookSpec): Promise<Webhook> {
    if (spec.url.length > 255) throw new RangeError('webhook url longer than 255 characters (error 30010)');
    try {
      // (entityType, action, url) is unique on the server (30003), so a repeated create cannot duplicate.
      return await this.transport.request({ method: 'POST', path: '/entity/webhook', body: spec, schema: webhookSchema, idempotent: true });
    } catch (error) {
      if (error instanceof MoySkladError && error.code === WEBHOOK_LIMIT_CODE) throw new MoySkladWebhookLimitError(spec, error);
      // 30003 = that very hook exists already (a retried POST whose first attempt landed, or a concurrent ensure):
      // the goal is reached, so answer with the existing hook instead of failing the caller.
      if (!(error instanceof MoySkladError) || error.code !== DUPLICATE_WEBHOOK) throw error;
      const existing = (await this.list()).find((hook) => sameSpec(hook, spec));
      if (!existing) throw error;
      return existing;
    }
  }

  /**
   * Creates (or, with `meta`, updates) many webhooks in ONE request per 1,000 — the documented bulk form. Each item
   * succeeds or fails on its own; the answer keeps the order of `items`.
   */
  async bulkWrite(items: readonly Record<string, unknown>[]): Promise<Array<{ webhook: Webhook } | { code: number | undefined; error: string }>> {
    const out: Array<{ webhook: Webhook } | { code: number | undefined; error: string }> = [];
    for (let i = 0; i < items.length; i += BULK_MAX) {
      const chunk = items.slice(i, i + BULK_MAX);
      // (entityType, action, url) is unique on the server (30003), so a repeated create cannot duplicate.
      const answer = await this.transport.request({ method: 'POST', path: '/entity/webhook', body: chunk, schema: z.array(bulkItemSchema), idempotent: true });
      for (const item of answer) {
        if ('errors' in item && Array.isArray(item.errors)) out.push({ code: item.errors[0]?.code, error: item.errors[0]?.error ?? 'refused' });
        else out.push({ webhook: item as Webhook });
      }
    }
    return out;
  }

  /** Deletes many webhooks in one request (`POST /entity/webhook/delete`). */
  async bulkDelete(hooks: readonly Webhook[]): Promise<void> {
    for (let i = 0; i < hooks.length; i += BULK_MAX) {
      await this.transport.request({ method: 'POST', path: '/entity/webhook/delete', body: hooks.slice(i, i + BULK_MAX).map((hook) => ({ meta: metaOf(hook, this.transport.baseUrl) })), schema: z.unknown() });
    }
  }

  async delete(id: string): Promise<void> {
    await this.transport.request({ method: 'DELETE', path: `/entity/webhook/${encodeURIComponent(id)}`, schema: null });
  }

  setEnabled(id: string, enabled: boolean): Promise<Webhook> {
    return this.transport.request({ method: 'PUT', path: `/entity/webhook/${encodeURIComponent(id)}`, body: { enabled }, schema: webhookSchema });
  }

  /**
   * Makes the account's webhooks match `specs` in at most three requests however many there are (a listing, one
   * bulk delete of ours no longer wanted, one bulk write creating the missing and re-enabling the disabled ones).
   * Hooks outside `ownedUrlPrefix` are never touched. A spec МойСклад refuses (30007: the per-type limit is taken by
   * other apps) is reported, not thrown: the caller polls that type instead. Safe to run any number of times.
   */
  async ensure(specs: readonly WebhookSpec[], ownedUrlPrefix: string): Promise<EnsureWebhooksResult> {
    const existing = await this.list();
    const result: EnsureWebhooksResult = { created: [], enabled: [], removed: [], kept: [], refused: [] };
    // Ours no longer wanted go first: each frees a slot of the 5 per (entityType, action) the writes may need.
    const stale = existing.filter((hook) => hook.url.startsWith(ownedUrlPrefix) && !specs.some((spec) => sameSpec(hook, spec)));
    if (stale.length > 0) {
      await this.bulkDelete(stale);
      result.removed.push(...stale);
    }
    const writes: { spec: WebhookSpec; body: Record<string, unknown>; enabling: boolean }[] = [];
    for (const spec of specs) {
      if (spec.url.length > 255) throw new RangeError('webhook url longer than 255 characters (error 30010)');
      const found = existing.find((hook) => sameSpec(hook, spec));
      if (!found) writes.push({ spec, body: { ...spec }, enabling: false });
      else if (found.enabled === false) writes.push({ spec, body: { meta: metaOf(found, this.transport.baseUrl), enabled: true }, enabling: true });
      else result.kept.push(found);
    }
    if (writes.length > 0) {
      const answers = await this.bulkWrite(writes.map((write) => write.body));
      let relisted: Webhook[] | null = null;
      for (const [index, answer] of answers.entries()) {
        const write = writes[index]!;
        if ('webhook' in answer) (write.enabling ? result.enabled : result.created).push(answer.webhook);
        else if (answer.code === DUPLICATE_WEBHOOK) {
          // Created meanwhile (a retried request whose first attempt landed, a concurrent ensure): the goal is reached.
          relisted ??= await this.list();
          const hook = relisted.find((h) => sameSpec(h, write.spec));
          if (hook) result.kept.push(hook);
          else result.refused.push({ spec: write.spec, code: answer.code, error: answer.error });
        } else result.refused.push({ spec: write.spec, code: answer.code, error: answer.error });
      }
    }
    return result;
  }
}
