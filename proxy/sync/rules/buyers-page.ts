import type { Counterparty } from '../../moysklad/schemas/entities.js';
import { buyerSnapshot, contactFields, customerFieldValues, customerMarkerField, isSyncableBuyer, type BuyerSnapshot } from '../mapping/buyer.js';
import type { RuleContext } from '../rule-context.js';
import { findExistingContact, rememberBuyerWritten, syncBuyer } from './buyers.js';
import { clearIntent, hasIntent, recordIntents } from './create-intent.js';
import { IMPORT_BATCH_SIZE } from './products-page.js';

/**
 * Rule 1 for one page of the initial import. Only brand-new buyers are batched: no link of either kind, no intent
 * left by an earlier attempt, and no contact amoCRM already has by phone or e-mail. Their customers are created in
 * one request and their contacts in another, each guarded by intent rows and linked right after amoCRM answers.
 * Every other buyer (linked, half done, left with an intent, matching a shop's own contact) goes through
 * `syncBuyer`, which already knows how to update, skip, search for orphans and link existing contacts.
 * The customer→contact link stays one request per customer: amoCRM's bulk `/customers/link` is not emulated here.
 */
export async function syncBuyersPage(ctx: RuleContext, counterparties: readonly Counterparty[]): Promise<void> {
  const { accountId, links } = ctx;
  const fresh: BuyerSnapshot[] = [];
  for (const counterparty of counterparties) {
    if (!isSyncableBuyer(counterparty)) continue;
    const buyer = buyerSnapshot(counterparty);
    const id = buyer.moyskladId;
    if (await hasIntent(ctx, `main-contact:${id}`)) {
      // A crash after both creates but before the customer→contact link: `syncBuyer` alone would see two links and
      // only update them, leaving the customer without its contact.
      await syncBuyer(ctx, counterparty);
      await linkMainContact(ctx, id);
      continue;
    }
    const known =
      (await links.amoIdFor(accountId, 'counterparty', id)) !== null ||
      (await links.amoIdFor(accountId, 'contact', id)) !== null ||
      (await hasIntent(ctx, `counterparty:${id}`)) ||
      (await hasIntent(ctx, `contact:${id}`)) ||
      (await findExistingContact(ctx, buyer)) !== null;
    if (known) await syncBuyer(ctx, counterparty);
    else fresh.push(buyer);
  }
  if (fresh.length === 0) return;

  // All three intents before any write: a crash anywhere below leaves each unfinished step with its intent.
  await recordIntents(ctx, fresh.flatMap((buyer) => [`counterparty:${buyer.moyskladId}`, `contact:${buyer.moyskladId}`, `main-contact:${buyer.moyskladId}`]));
  const customerIds = await createCustomers(ctx, fresh);
  const contactIds = await createContacts(ctx, fresh);
  for (const buyer of fresh) {
    const customerId = customerIds.get(buyer.moyskladId)!;
    const contactId = contactIds.get(buyer.moyskladId)!;
    ctx.signal?.throwIfAborted();
    await ctx.amo.customers.link(customerId, [{ to_entity_id: contactId, to_entity_type: 'contacts', metadata: { is_main: true } }]);
    await clearIntent(ctx, `main-contact:${buyer.moyskladId}`);
    await ctx.readModel.upsertBuyer(accountId, buyer, customerId);
    // Last: until it is written, a replayed page sends this buyer through `syncBuyer` (fingerprint mismatch).
    await rememberBuyerWritten(ctx, buyer, customerId, contactId);
  }
}

/** Finishes the link an interrupted page left undone (linking twice is harmless: amoCRM keeps one link). */
async function linkMainContact(ctx: RuleContext, moyskladId: string): Promise<void> {
  const customerId = await ctx.links.amoIdFor(ctx.accountId, 'counterparty', moyskladId);
  const contactId = await ctx.links.amoIdFor(ctx.accountId, 'contact', moyskladId);
  if (customerId !== null && contactId !== null) {
    ctx.signal?.throwIfAborted();
    await ctx.amo.customers.link(customerId, [{ to_entity_id: contactId, to_entity_type: 'contacts', metadata: { is_main: true } }]);
  }
  await clearIntent(ctx, `main-contact:${moyskladId}`);
}

async function createCustomers(ctx: RuleContext, buyers: readonly BuyerSnapshot[]): Promise<Map<string, number>> {
  const items = buyers.map((buyer) => ({
    name: buyer.name,
    custom_fields_values: [...customerFieldValues(buyer), customerMarkerField(buyer.moyskladId)],
    request_id: buyer.moyskladId,
  }));
  const outcome = await ctx.amo.customers.createBatch(items, { batchSize: IMPORT_BATCH_SIZE });
  return linkAll(ctx, 'counterparty', outcome.done.map(({ item, result }) => [String(item.request_id), result.id]));
}

async function createContacts(ctx: RuleContext, buyers: readonly BuyerSnapshot[]): Promise<Map<string, number>> {
  const items = buyers.map((buyer) => ({ ...contactFields(buyer), request_id: buyer.moyskladId }));
  const outcome = await ctx.amo.contacts.createBatch(items, { batchSize: IMPORT_BATCH_SIZE });
  return linkAll(ctx, 'contact', outcome.done.map(({ item, result }) => [String(item.request_id), result.id]));
}

/** Link rows right after amoCRM answers, each intent cleared once its link is written (as `createOnce` does). */
async function linkAll(ctx: RuleContext, kind: 'counterparty' | 'contact', created: [string, number][]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [moyskladId, amoId] of created) {
    await ctx.links.link(ctx.accountId, kind, moyskladId, amoId);
    await clearIntent(ctx, `${kind}:${moyskladId}`);
    ids.set(moyskladId, amoId);
  }
  return ids;
}
