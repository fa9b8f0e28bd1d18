import { defineRoute, type WidgetRoute } from './route-definition.js';
import { amoCustomerParams, bonusOperationPage, cardView, purchasePage, purchasesQuery } from './schemas.js';
import type { WidgetServices } from './services.js';

export function customerRoutes(services: WidgetServices): WidgetRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/widget/customers/:amoCustomerId/card',
      operationId: 'getCustomerCard',
      summary: 'Everything the customer card shows, from the read model (no live МойСклад call); polled conditionally',
      admin: false,
      params: amoCustomerParams,
      success: { status: 200, description: 'Card', schema: cardView },
      conditional: true,
      problems: ['customer_not_linked', 'not_connected', 'moysklad_needs_reauth', 'customer_importing'],
      handle: async ({ auth, params }) => ({ status: 200, body: await services.card.card(auth, params.amoCustomerId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/widget/customers/:amoCustomerId/purchases',
      operationId: 'listCustomerPurchases',
      summary: 'Purchases of the customer, newest first, paged by an opaque cursor',
      admin: false,
      params: amoCustomerParams,
      query: purchasesQuery,
      success: { status: 200, description: 'One page', schema: purchasePage },
      problems: ['customer_not_linked'],
      handle: async ({ auth, params, query }) => ({
        status: 200,
        body: await services.card.purchases(auth, params.amoCustomerId, query.cursor || null, query.limit),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/widget/customers/:amoCustomerId/bonus-operations',
      operationId: 'listBonusOperations',
      summary: 'Bonus operations of the customer (who, when, how many points, why, which sale), newest first, paged',
      admin: false,
      params: amoCustomerParams,
      query: purchasesQuery,
      success: { status: 200, description: 'One page', schema: bonusOperationPage },
      problems: ['customer_not_linked'],
      handle: async ({ auth, params, query }) => ({
        status: 200,
        body: await services.card.operations(auth, params.amoCustomerId, query.cursor || null, query.limit),
      }),
    }),
  ];
}
