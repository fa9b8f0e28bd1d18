import { paginate, collect } from '../paginate.js';
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
  /** Specs МойСклад refused with 30007 (only with `onLimit: 'collect'`; otherwise the first refusal is thrown). */
  limited: MoySkladWebhookLimitError[];
}

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

  async delete(id: string): Promise<void> {
    await this.transport.request({ method: 'DELETE', path: `/entity/webhook/${encodeURIComponent(id)}`, schema: null });
  }

  setEnabled(id: string, enabled: boolean): Promise<Webhook> {
    return this.transport.request({ method: 'PUT', path: `/entity/webhook/${encodeURIComponent(id)}`, body: { enabled }, schema: webhookSchema });
  }

  /**
   * Makes the account's webhooks match `specs`: creates what is missing, re-enables what МойСклад switched off,
   * and deletes hooks under `ownedUrlPrefix` (ours) that are no longer wanted. Other hooks are never touched.
   * Safe to run any number of times. A 30007 refusal is thrown, or with `onLimit: 'collect'` listed in `limited` while
   * the other specs go on (the caller polls those entity types instead).
   */
  async ensure(specs: readonly WebhookSpec[], ownedUrlPrefix: string, options: { onLimit?: 'throw' | 'collect' } = {}): Promise<EnsureWebhooksResult> {
    const existing = await this.list();
    const result: EnsureWebhooksResult = { created: [], enabled: [], removed: [], kept: [], limited: [] };
    // Our unwanted hooks go first: each one frees a slot of the 5 per (entityType, action).
    for (const hook of existing) {
      if (hook.url.startsWith(ownedUrlPrefix) && !specs.some((spec) => sameSpec(hook, spec))) {
        await this.delete(hook.id);
        result.removed.push(hook);
      }
    }
    for (const spec of specs) {
      const found = existing.find((hook) => sameSpec(hook, spec));
      if (found?.enabled === false) result.enabled.push(await this.setEnabled(found.id, true));
      else if (found) result.kept.push(found);
      else {
        try {
          result.created.push(await this.create(spec));
        } catch (error) {
          if (!(error instanceof MoySkladWebhookLimitError) || options.onLimit !== 'collect') throw error;
          result.limited.push(error);
        }
      }
    }
    return result;
  }
}
