import type { RunningSandbox } from './start-sandbox.js';
import { WidgetApiError } from './widget-api-client.js';

/**
 * An amoCRM customer of the sandbox account that came from МойСклад and has purchases, for "open this card"
 * links and screenshots. Asks the widget API (the product's own view) rather than guessing from amoCRM
 * fields, so the card it names really shows a history. Prefers a buyer with a bonus card (most have one),
 * so the card shows every part of the widget. `null` when none is linked.
 */
export async function findCustomerWithPurchases(sandbox: RunningSandbox, maxTries = 40): Promise<{ amoCustomerId: number; name: string } | null> {
  const api = sandbox.widgetApi();
  // Customers with amoCRM transactions first: they most likely are the МойСклад buyers with sales.
  const customers = sandbox.amocrm.store
    .customers(sandbox.credentials.amocrm.subdomain)
    .map((customer) => ({ id: Number(customer.id), purchases: Number(customer.purchases_count ?? 0) }))
    .sort((a, b) => b.purchases - a.purchases);
  let withoutCard: { amoCustomerId: number; name: string } | null = null;
  for (const { id } of customers.slice(0, maxTries)) {
    try {
      const card = await api.card(id);
      if (card.purchaseCount === 0 || card.purchases.length === 0) continue;
      if (card.bonusCard) return { amoCustomerId: id, name: card.customer.name };
      withoutCard ??= { amoCustomerId: id, name: card.customer.name };
    } catch (error) {
      if (!(error instanceof WidgetApiError && error.status === 404)) throw error; // 404 = not a МойСклад buyer
    }
  }
  return withoutCard;
}
