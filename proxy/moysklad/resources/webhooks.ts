import { paginate, collect } from '../paginate.js';
import { webhookSchema, type Webhook } from '../schemas/entities.js';
import { MoySkladError } from '../errors.js';
import type { MoySkladTransport } from '../transport.js';

/** МойСклад: «Веб-хук с такими entityType, action и url уже существует». */
const DUPLICATE_WEBHOOK = 30003;

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
}

const sameSpec = (hook: Webhook, spec: WebhookSpec) => hook.url === spec.url && hook.entityType === spec.entityType && hook.action === spec.action;

export class WebhooksApi {
  constructor(private readonly transport: MoySkladTransport) {}

  list(): Promise<Webhook[]> {
    return collect(paginate(this.transport, '/entity/webhook', {}, webhookSchema));
  }

  async create(spec: WebhookSpec): Promise<Webhook> {
    if (spec.url.length > 255) throw new RangeError('webhook url longer than 255 characters (error 30010)');
    try {
      // (entityType, action, url) is unique on the server (30003), so a repeated create cannot duplicate.
      return await this.transport.request({ method: 'POST', path: '/entity/webhook', body: spec, schema: webhookSchema, idempotent: true });
    } catch (error) {
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
   * Safe to run any number of times.
   */
  async ensure(specs: readonly WebhookSpec[], ownedUrlPrefix: string): Promise<EnsureWebhooksResult> {
    const existing = await this.list();
    const result: EnsureWebhooksResult = { created: [], enabled: [], removed: [], kept: [] };
    for (const spec of specs) {
      const found = existing.find((hook) => sameSpec(hook, spec));
      if (!found) result.created.push(await this.create(spec));
      else if (found.enabled === false) result.enabled.push(await this.setEnabled(found.id, true));
      else result.kept.push(found);
    }
    for (const hook of existing) {
      if (hook.url.startsWith(ownedUrlPrefix) && !specs.some((spec) => sameSpec(hook, spec))) {
        await this.delete(hook.id);
        result.removed.push(hook);
      }
    }
    return result;
  }
}
