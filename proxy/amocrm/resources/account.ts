import { z } from 'zod';
import { accountSchema, webhookSubscriptionSchema, widgetSchema, type Account, type Widget } from '../schemas/entities.js';
import type { AmoTransport } from '../transport.js';

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

  async unsubscribeWebhook(destination: string): Promise<void> {
    await this.transport.request({ method: 'DELETE', path: '/api/v4/webhooks', body: { destination }, schema: z.unknown() });
  }

  getWidget(code: string): Promise<Widget | null> {
    return this.transport.request({ method: 'GET', path: `/api/v4/widgets/${encodeURIComponent(code)}`, schema: widgetSchema });
  }
}
