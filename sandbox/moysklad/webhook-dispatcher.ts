import { randomUUID } from 'node:crypto';
import type { AuditContextRecord } from './audit-log.js';
import type { ChangeEvent, ChangeOrigin } from './change-set.js';
import type { Faults } from './faults.js';
import { toMskSeconds } from './msk-time.js';
import { entityPath } from './references.js';
import type { Doc } from './store.js';

export const WEBHOOK_USER_AGENT = 'MoySklad webhook touch agent 2.0 (/https://www.moysklad.ru)';
/** One first attempt plus 3 immediate retries, then the notification is dropped for good. */
const WEBHOOK_ATTEMPTS = 4;

/** One line of `emu.webhookLog`: an attempt, or a notification suppressed by a fault. */
export interface WebhookLogEntry {
  requestId: string;
  webhookId: string;
  url: string;
  attempt: number;
  /** 'delivered' = 200/204 in time; 'failed' = other status, error or timeout; 'dropped' = fault, never sent. */
  outcome: 'delivered' | 'failed' | 'dropped';
  status?: number;
  error?: string;
  duplicate?: boolean;
  at: number;
  payload: WebhookPayload;
}

export interface WebhookPayload {
  auditContext: { meta: { type: 'audit'; href: string }; moment: string; uid: string };
  events: { meta: { type: string; href: string }; action: string; accountId: string; updatedFields?: string[] }[];
}

interface Job {
  requestId: string;
  webhook: Doc;
  payload: WebhookPayload;
}

export interface DispatcherSettings {
  timeoutMs: number;
  accountId: string;
  random: () => number;
  faults: () => Faults;
  baseUrl: () => string;
}

/** Sends webhook notifications after a change is committed, with МойСклад's retry rules. */
export class WebhookDispatcher {
  readonly log: WebhookLogEntry[] = [];
  private readonly pending = new Set<Promise<void>>();
  private held: Job[] = [];
  private heldTimer: NodeJS.Timeout | undefined;
  private heldFlushed: Promise<void> = Promise.resolve();

  constructor(private readonly settings: DispatcherSettings) {}

  dispatch(context: AuditContextRecord, origin: ChangeOrigin, webhooks: Doc[]): void {
    const base = this.settings.baseUrl();
    for (const webhook of webhooks) {
      if (webhook.enabled === false) continue;
      const url = String(webhook.url);
      if (origin.disabledWebhookPrefixes.some((prefix) => url.startsWith(prefix))) continue;
      const events = context.events.filter((e) => e.entityType === webhook.entityType && e.action === webhook.action);
      if (events.length === 0) continue;
      const payload: WebhookPayload = {
        auditContext: { meta: { type: 'audit', href: `${base}/audit/${context.id}` }, moment: toMskSeconds(context.moment), uid: context.uid },
        events: events.map((event) => this.eventPayload(event, webhook, base)),
      };
      this.enqueue({ requestId: randomUUID(), webhook, payload });
    }
  }

  private eventPayload(event: ChangeEvent, webhook: Doc, base: string): WebhookPayload['events'][number] {
    const out: WebhookPayload['events'][number] = {
      meta: { type: event.entityType, href: base + entityPath(event.entityType, event.entityId) },
      action: event.action,
      accountId: this.settings.accountId,
    };
    if (event.action === 'UPDATE' && webhook.diffType === 'FIELDS') out.updatedFields = Object.keys(event.diff ?? {});
    return out;
  }

  private enqueue(job: Job): void {
    const faults = this.settings.faults();
    if (!faults.reorderWebhooks) {
      this.track(this.run(job));
      return;
    }
    this.held.push(job);
    if (this.heldTimer) return;
    this.heldFlushed = new Promise((resolve) => {
      this.heldTimer = setTimeout(() => {
        this.heldTimer = undefined;
        const batch = this.held;
        this.held = [];
        // Fisher–Yates with the seeded RNG: a reproducible shuffle.
        for (let i = batch.length - 1; i > 0; i--) {
          const j = Math.floor(this.settings.random() * (i + 1));
          [batch[i], batch[j]] = [batch[j]!, batch[i]!];
        }
        for (const held of batch) this.track(this.run(held));
        resolve();
      }, faults.reorderWindowMs ?? 25);
    });
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async run(job: Job): Promise<void> {
    const faults = this.settings.faults();
    if (this.settings.random() < (faults.dropWebhookRatio ?? 0)) {
      this.record(job, 1, { outcome: 'dropped' });
      return;
    }
    const delivered = await this.deliver(job, false);
    if (delivered && this.settings.random() < (faults.duplicateWebhookRatio ?? 0)) await this.deliver(job, true);
  }

  private async deliver(job: Job, duplicate: boolean): Promise<boolean> {
    const url = `${job.webhook.url}${String(job.webhook.url).includes('?') ? '&' : '?'}requestId=${job.requestId}`;
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.settings.timeoutMs);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': WEBHOOK_USER_AGENT },
          body: JSON.stringify(job.payload),
          signal: controller.signal,
        });
        await res.arrayBuffer();
        // Only 200 and 204 count as accepted, as documented.
        const ok = res.status === 200 || res.status === 204;
        this.record(job, attempt, { outcome: ok ? 'delivered' : 'failed', status: res.status, duplicate });
        if (ok) return true;
      } catch (error) {
        const message = controller.signal.aborted ? `timeout after ${this.settings.timeoutMs} ms` : String((error as Error).message);
        this.record(job, attempt, { outcome: 'failed', error: message, duplicate });
      } finally {
        clearTimeout(timer);
      }
    }
    return false;
  }

  private record(job: Job, attempt: number, fields: Pick<WebhookLogEntry, 'outcome' | 'status' | 'error' | 'duplicate'>): void {
    const entry: WebhookLogEntry = {
      requestId: job.requestId,
      webhookId: job.webhook.id,
      url: String(job.webhook.url),
      attempt,
      at: Date.now(),
      payload: job.payload,
      outcome: fields.outcome,
    };
    if (fields.status !== undefined) entry.status = fields.status;
    if (fields.error !== undefined) entry.error = fields.error;
    if (fields.duplicate) entry.duplicate = true;
    this.log.push(entry);
  }

  /** Resolves once every notification scheduled so far has been delivered, retried out or dropped. */
  async settled(): Promise<void> {
    while (this.pending.size > 0 || this.heldTimer) {
      await this.heldFlushed;
      await Promise.allSettled([...this.pending]);
    }
  }
}
