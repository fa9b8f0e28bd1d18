import { z } from 'zod';
import { accountSchema, webhookSubscriptionSchema, widgetSchema, type Account, type WebhookSubscription, type Widget } from '../schemas/entities.js';
import type { AmoTransport } from '../transport.js';

const webhookListSchema = z.looseObject({ _embedded: z.looseObject({ webhooks: z.array(webhookSubscriptionSchema) }) });

/** Account info, webhook subscriptions and the widget record: the small per-account endpoints. */
export class AccountApi {
  constructor(private readonly transport: AmoTransport) {}

  async get(): Promise<Account> {
    const account = await this.transport.request({ method: 'GET', path: '/api/v4/account', schema: accountSchema });
    if (!account) throw new Error('amoCRM answered 204 for /api/v4/account');
    return account;
  }

  /** Subscribes `destination` to `settings` events (a repeated call updates the same hook). Admin only. */
  async subscribeWebhook(destination: string, settings: readonly string[]): Promise<void> {
    await this.transport.request({ method: 'POST', path: '/api/v4/webhooks', body: { destination, settings }, schema: webhookSubscriptionSchema });
  }

  /**
   * Every webhook subscription of the account, ours and other integrations' (`GET /api/v4/webhooks`, admin only:
   * https://www.amocrm.ru/developers/content/crm_platform/webhooks-api#webhooks-list).
   */
  async listWebhooks(): Promise<WebhookSubscription[]> {
    // One request: the page documents no paging for this list (at most 100 hooks per account), and 204 is "none".
    const page = await this.transport.request({ method: 'GET', path: '/api/v4/webhooks', schema: webhookListSchema });
    return page?._embedded.webhooks ?? [];
  }

  async unsubscribeWebhook(destination: string): Promise<void> {
    await this.transport.request({ method: 'DELETE', path: '/api/v4/webhooks', body: { destination }, schema: z.unknown() });
  }

  getWidget(code: string): Promise<Widget | null> {
    return this.transport.request({ method: 'GET', path: `/api/v4/widgets/${encodeURIComponent(code)}`, schema: widgetSchema });
  }
}
