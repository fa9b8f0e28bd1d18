import qs from 'qs';
import type { AccountState } from '../state/account-state.js';

/**
 * Delivers CRM webhooks: one form-encoded POST per subscribed destination, `{entity}[{action}][0][...]` plus the
 * `account` block, 2 s timeout. Unlike amoCRM (retries after 5 min, 15 min, 1 h) the emulator does not retry:
 * every attempt is recorded in `log` so tests can assert on it.
 */

export type WebhookEntity = 'customers' | 'contacts';
export type WebhookAction = 'add' | 'update' | 'delete' | 'note';

export interface WebhookDelivery {
  destination: string;
  /** The subscription setting that matched, e.g. `add_customer`. */
  event: string;
  body: string;
  status: number | null;
  error: string | null;
  at: number;
}

const SETTING_ENTITY: Record<WebhookEntity, string> = { customers: 'customer', contacts: 'contact' };

function webhookSetting(entity: WebhookEntity, action: WebhookAction): string {
  return `${action}_${SETTING_ENTITY[entity]}`;
}

export class WebhookDispatcher {
  readonly log: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly accountBaseUrl: (subdomain: string) => string,
  ) {}

  dispatch(account: AccountState, entity: WebhookEntity, action: WebhookAction, items: Array<Record<string, unknown>>): void {
    if (items.length === 0) return;
    const event = webhookSetting(entity, action);
    const hooks = [...account.webhooks.values()].filter((h) => !h.disabled && h.settings.includes(event)).sort((a, b) => a.sort - b.sort);
    if (hooks.length === 0) return;
    const body = qs.stringify({
      [entity]: { [action]: items },
      account: { subdomain: account.data.subdomain, id: account.data.id, _links: { self: this.accountBaseUrl(account.data.subdomain) } },
    });
    for (const hook of hooks) this.track(this.deliver(hook.destination, event, body));
  }

  /** Resolves when every delivery started so far has finished (tests await this instead of sleeping). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(delivery: Promise<void>): void {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  private async deliver(destination: string, event: string, body: string): Promise<void> {
    const entry: WebhookDelivery = { destination, event, body, status: null, error: null, at: this.now() };
    this.log.push(entry);
    try {
      const response = await fetch(destination, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'amoCRM-Webhooks/3.0' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      entry.status = response.status;
      await response.body?.cancel();
    } catch (error) {
      entry.error = error instanceof Error ? error.name === 'TimeoutError' ? 'timeout' : error.message : String(error);
    }
  }
}
