import { RouteProblem } from '../problem.js';
import { defineRoute, type WidgetRoute } from './route-definition.js';
import { amoCustomerParams, bonusBody, bonusResult, idempotencyKeyHeader } from './schemas.js';
import type { WidgetServices } from './services.js';

export function bonusRoutes(services: WidgetServices): WidgetRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/widget/customers/:amoCustomerId/bonus',
      operationId: 'operateBonus',
      summary: 'Accrue or redeem points; exactly one МойСклад bonus transaction per Idempotency-Key',
      admin: false,
      params: amoCustomerParams,
      body: bonusBody,
      headers: [{ name: 'Idempotency-Key', required: true, description: 'Unique per user action (e.g. a UUID); repeats get the same answer' }],
      success: { status: 200, description: 'Done (or the stored answer of the first request with this key)', schema: bonusResult },
      problems: [
        'idempotency_key_required',
        'customer_not_linked',
        'not_connected',
        'moysklad_needs_reauth',
        'idempotency_in_progress',
        'idempotency_key_reused',
        'bonus_program_inactive',
        'bonus_insufficient_points',
        'bonus_max_balance_exceeded',
        'bonus_rejected',
        'bonus_amount_out_of_bounds',
        'bonus_operation_limit_exceeded',
        'bonus_daily_limit_exceeded',
        'moysklad_tariff',
        'moysklad_unreachable',
      ],
      handle: async ({ auth, params, body, req }) => {
        const key = idempotencyKeyHeader.safeParse(req.get('Idempotency-Key'));
        if (!key.success) throw new RouteProblem('idempotency_key_required');
        const buyer = await services.card.buyer(auth, params.amoCustomerId);
        return { status: 200, body: await services.bonus.operate(auth, buyer, body, key.data) };
      },
    }),
  ];
}
