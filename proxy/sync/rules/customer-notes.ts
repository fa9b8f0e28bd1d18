import type { RuleContext } from '../rule-context.js';

/**
 * A note the widget or the referral page asked for (`amocrm.customer_note`: a bonus operation, a referral sign-up or
 * reward) → one amoCRM service message on the customer, signed «МойСклад». The job runs in the live lane, ordered per
 * customer. The points field is not touched here: the bonus operation's own entity job refreshes it (the service
 * enqueues both).
 */
export async function addCustomerNote(ctx: RuleContext, amoCustomerId: number, text: string): Promise<void> {
  await ctx.amo.customers.addNotes(amoCustomerId, [{ note_type: 'extended_service_message', params: { service: 'МойСклад', text } }]);
}
