import type { Customer } from '../../amocrm/schemas/entities.js';
import type { CustomerFieldClaims } from '../jobs.js';
import { buyerLease, withLeases } from '../leases.js';
import { BONUS_CARD_FIELD_CODE, BONUS_POINTS_FIELD_CODE, buyerSnapshot, customerFieldValues, customerPayload, MOYSKLAD_ID_FIELD_CODE } from '../mapping/buyer.js';
import type { RuleContext } from '../rule-context.js';
import { writtenHash } from '../written-hash.js';
import { syncBuyers } from './buyers.js';

/** Our two bonus fields as amoCRM shows them: the points as text, the card or null when empty. */
export interface BonusFields {
  points: string | null;
  card: string | null;
}

const sameFields = (a: BonusFields, b: BonusFields) => a.points === b.points && a.card === b.card;

/** What the fields must say for a buyer: exactly what the mapping writes (`customerFieldValues`). */
function expectedFields(buyer: { bonusCard: string | null; points: number }): BonusFields {
  const [card, points] = customerFieldValues(buyer);
  return { card: textOf(card?.values?.[0]?.value), points: textOf(points?.values?.[0]?.value) };
}

function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** Our fields on a customer read from amoCRM (v4: `custom_fields_values` with `field_code`). */
function bonusFieldsOf(customer: Pick<Customer, 'custom_fields_values'>): BonusFields {
  const value = (code: string) => textOf(customer.custom_fields_values?.find((field) => field.field_code === code)?.values?.[0]?.value);
  return { points: value(BONUS_POINTS_FIELD_CODE), card: value(BONUS_CARD_FIELD_CODE) };
}

/**
 * What an `update_customer` webhook's v2 payload says our fields hold (crm_platform/webhooks-format: `custom_fields`
 * lists the filled fields as `{id, name, values, code?}`, values as strings or `{value, enum?}`). Only a hint: the job
 * acts on a re-read. Fields are recognised by `code`; our МойСклад id field is always filled, so a payload whose fields
 * carry no code at all tells nothing (`known: false`) and the job reads the customer.
 */
export function claimsFromWebhook(customFields: readonly { code?: string | undefined; values?: readonly unknown[] | undefined }[] | undefined): CustomerFieldClaims {
  const fields = customFields ?? [];
  const known = fields.some((field) => field.code === MOYSKLAD_ID_FIELD_CODE);
  const value = (code: string) => {
    const first = fields.find((field) => field.code === code)?.values?.[0];
    const raw = first !== null && typeof first === 'object' ? (first as { value?: unknown }).value : first;
    return textOf(raw)?.slice(0, 300) ?? null;
  };
  return { known, points: value(BONUS_POINTS_FIELD_CODE), card: value(BONUS_CARD_FIELD_CODE) };
}

export type CustomerFieldsOutcome = 'not_ours' | 'unchanged' | 'restored';

/**
 * «Бонусные баллы» and «Бонусная карта» belong to МойСклад: a manager who types another number in amoCRM would make
 * segments and automations work on wrong points. On `update_customer` (never trusted), under the buyer's lease:
 * 1. the webhook's values equal what the fields must say (the read model): nothing to do and no request — this is how
 *    our own writes, which fire the webhook too, end without a loop;
 * 2. otherwise the customer is re-read; amoCRM agrees: nothing more;
 * 3. amoCRM holds exactly our last write (its digest, `links.written_hash`): it is only behind a change whose own job
 *    writes it (a widget operation updates the read model first) — not an edit;
 * 4. otherwise it was edited by hand: the buyer is re-read from МойСклад (the source), the customer written again
 *    (its digest dropped, so the write is not skipped) and a note tells the manager that points change through the
 *    widget. That write fires `update_customer` once more; its job stops at 1.
 */
export async function restoreBonusFields(ctx: RuleContext, customerId: number, claims: CustomerFieldClaims): Promise<CustomerFieldsOutcome> {
  const { accountId } = ctx;
  const buyerId = await ctx.links.moyskladIdFor(accountId, 'counterparty', customerId);
  if (buyerId === null) return 'not_ours';
  return withLeases(ctx, [buyerLease(buyerId)], async () => {
    const stored = await ctx.readModel.buyerCustomerFields(accountId, buyerId);
    if (stored === null) return 'not_ours';
    const ours = expectedFields(stored);
    if (claims.known && sameFields({ points: claims.points, card: claims.card }, ours)) return 'unchanged';

    const customer = await ctx.amo.customers.get(customerId);
    // Deleted in amoCRM meanwhile: the buyer's next write makes it again (rules/buyers.ts).
    if (customer === null || customer.is_deleted) return 'unchanged';
    const edited = bonusFieldsOf(customer);
    if (sameFields(edited, ours)) return 'unchanged';
    const link = (await ctx.links.lookup(accountId, 'counterparty', [buyerId])).get(buyerId);
    const asLastWritten = writtenHash(customerPayload({ moyskladId: buyerId, name: stored.name, firstName: null, lastName: null, phone: null, email: null, bonusCard: edited.card, points: Number(edited.points ?? 0) }));
    if (edited.points !== null && link?.writtenHash === asLastWritten) return 'unchanged';

    const readAt = Date.now();
    const counterparty = await ctx.ms.counterparties.get(buyerId);
    const truth = expectedFields(buyerSnapshot(counterparty));
    const handEdit = !sameFields(edited, truth);
    // Written again whatever the digest says: the digest describes our last write, not what amoCRM holds now.
    if (handEdit) await ctx.links.setWrittenHashes(accountId, 'counterparty', [{ moyskladId: buyerId, writtenHash: null }]);
    // amoCRM may already agree with a МойСклад change we had not seen: then this only refreshes the read model.
    const written = await syncBuyers(ctx, [counterparty], { readAt });
    if (!handEdit || !written.has(buyerId)) return 'unchanged';
    ctx.signal?.throwIfAborted();
    await ctx.amo.customers.addNotes(customerId, [{ note_type: 'extended_service_message', params: { service: 'МойСклад', text: restoredNoteText(edited, truth) } }]);
    await ctx.operationLog.append({ accountId, userId: null, kind: 'sync.bonus_fields_restored', details: { moyskladId: buyerId, amoCustomerId: customerId, edited, restored: truth } });
    return 'restored';
  });
}

function restoredNoteText(edited: BonusFields, truth: BonusFields): string {
  const changes: string[] = [];
  if (edited.points !== truth.points) changes.push(`«Бонусные баллы»: ${edited.points ?? 'пусто'} → ${truth.points ?? 'пусто'}`);
  if (edited.card !== truth.card) changes.push(`«Бонусная карта»: ${edited.card ?? 'пусто'} → ${truth.card ?? 'пусто'}`);
  return [
    `Бонусные баллы и карта ведутся в МойСклад, поэтому изменение в amoCRM отменено: ${changes.join('; ')}.`,
    'Начислить или списать баллы можно в виджете МойСклад в карточке покупателя; карту меняют в МойСклад.',
  ].join('\n');
}
