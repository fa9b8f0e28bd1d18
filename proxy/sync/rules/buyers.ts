import { createHash } from 'node:crypto';
import { AmoError, AmoValidationError } from '../../amocrm/errors.js';
import type { Counterparty } from '../../moysklad/schemas/entities.js';
import { buyerSnapshot, contactFields, customerFieldValues, customerMarkerField, isSyncableBuyer, MOYSKLAD_ID_FIELD_CODE, type BuyerSnapshot } from '../mapping/buyer.js';
import type { RuleContext } from '../rule-context.js';
import { z } from 'zod';
import { customersOfContact, singleId } from './amo-writes.js';
import { createOnce } from './create-intent.js';

export type BuyerOutcome = 'skipped' | 'created' | 'linked' | 'updated' | 'unchanged';

/**
 * Rule 1: an individual counterparty → an amoCRM customer with a main contact. Idempotent: the links table is
 * checked first, and a buyer already in amoCRM (same phone or e-mail) is linked, not duplicated.
 */
export async function syncBuyer(ctx: RuleContext, counterparty: Counterparty): Promise<BuyerOutcome> {
  if (!isSyncableBuyer(counterparty)) return 'skipped';
  const buyer = buyerSnapshot(counterparty);
  const { accountId, amo, links } = ctx;

  let customerId = await links.amoIdFor(accountId, 'counterparty', buyer.moyskladId);
  let contactId = await links.amoIdFor(accountId, 'contact', buyer.moyskladId);

  // Nothing we write changed since our last write (a sale re-syncs its buyer, the import's past sales re-sync the
  // same buyers again and again): two amoCRM PATCHes saved. amoCRM's 7 requests/s are the sync's scarcest resource.
  if (customerId !== null && contactId !== null && (await lastWritten(ctx, buyer.moyskladId)) === fingerprint(buyer, customerId, contactId)) {
    await ctx.readModel.upsertBuyer(accountId, buyer, customerId);
    return 'unchanged';
  }

  // Someone deleted the customer or the contact in amoCRM: МойСклад stays the source of buyers, so the link is
  // forgotten and the missing entity is made again below (instead of failing every later sale of this buyer).
  if (customerId !== null && !(await updatedUnlessGone(() => amo.customers.updateBatch([{ id: customerId!, name: buyer.name, custom_fields_values: customerFieldValues(buyer) }])))) {
    await links.unlinkByMoyskladId(accountId, 'counterparty', buyer.moyskladId);
    customerId = null;
  }
  if (contactId !== null && !(await updatedUnlessGone(() => amo.contacts.updateBatch([{ id: contactId!, ...contactFields(buyer) }])))) {
    await links.unlinkByMoyskladId(accountId, 'contact', buyer.moyskladId);
    contactId = null;
  }
  if (customerId !== null && contactId !== null) {
    await ctx.readModel.upsertBuyer(accountId, buyer, customerId);
    await rememberWritten(ctx, buyer.moyskladId, fingerprint(buyer, customerId, contactId));
    return 'updated';
  }

  // A new buyer, or one half done: a crash between the customer's link and its contact must not leave the customer
  // without a contact forever, so a linked customer without a contact link continues here too.
  let outcome: BuyerOutcome = customerId === null ? 'created' : 'updated';
  if (contactId === null) {
    const existing = await findExistingContact(ctx, buyer);
    if (existing !== null) {
      contactId = existing;
      await links.link(accountId, 'contact', buyer.moyskladId, contactId);
      for (const candidate of customerId === null ? await customersOfContact(amo, contactId) : []) {
        // A customer already standing for another МойСклад buyer is not ours to take (links are one-to-one).
        if ((await links.moyskladIdFor(accountId, 'counterparty', candidate)) !== null) continue;
        customerId = candidate;
        outcome = 'linked';
        break;
      }
    }
  }
  const fields = [...customerFieldValues(buyer), customerMarkerField(buyer.moyskladId)];
  if (customerId === null) {
    // The link row is written right after amoCRM answers: a retry finds it and never creates a second customer.
    customerId = await createOnce(ctx, `counterparty:${buyer.moyskladId}`, {
      search: () => findMarkedCustomer(ctx, buyer.moyskladId),
      create: async () => singleId(await amo.customers.createBatch([{ name: buyer.name, custom_fields_values: fields, request_id: buyer.moyskladId }]), 'customer'),
      link: (id) => links.link(accountId, 'counterparty', buyer.moyskladId, id),
    });
  } else {
    // Linked now (found through the contact) or linked before and just updated above: our fields and the link.
    await amo.customers.updateBatch([{ id: customerId, custom_fields_values: fields }]);
    await links.link(accountId, 'counterparty', buyer.moyskladId, customerId);
  }

  if (contactId === null) {
    contactId = await createOnce(ctx, `contact:${buyer.moyskladId}`, {
      // A contact has no field of ours; the phone/e-mail search is how an earlier attempt's contact is found.
      search: () => findExistingContact(ctx, buyer),
      create: async () => singleId(await amo.contacts.createBatch([{ ...contactFields(buyer), request_id: buyer.moyskladId }]), 'contact'),
      link: (id) => links.link(accountId, 'contact', buyer.moyskladId, id),
    });
  }
  await amo.customers.link(customerId, [{ to_entity_id: contactId, to_entity_type: 'contacts', metadata: { is_main: true } }]);
  await ctx.readModel.upsertBuyer(accountId, buyer, customerId);
  await rememberWritten(ctx, buyer.moyskladId, fingerprint(buyer, customerId, contactId));
  return outcome;
}

/**
 * A person already known to amoCRM by phone, then by e-mail (the shop may have added them by hand). A contact that
 * is already the contact of another МойСклад buyer (two buyers sharing a family phone) is skipped: linking it again
 * would break the one-to-one links table and fail the job on every retry.
 */
export async function findExistingContact(ctx: RuleContext, buyer: BuyerSnapshot): Promise<number | null> {
  for (const probe of [buyer.phone, buyer.email]) {
    if (!probe) continue;
    for (const contact of await ctx.amo.contacts.findByPhoneOrEmail(probe)) {
      const owner = await ctx.links.moyskladIdFor(ctx.accountId, 'contact', contact.id);
      if (owner === null || owner === buyer.moyskladId) return contact.id;
    }
  }
  return null;
}

/** Records what was just written for a buyer, so an unchanged buyer is skipped next time (the import's pages too). */
export async function rememberBuyerWritten(ctx: RuleContext, buyer: BuyerSnapshot, customerId: number, contactId: number): Promise<void> {
  await rememberWritten(ctx, buyer.moyskladId, fingerprint(buyer, customerId, contactId));
}

/** What we last wrote to amoCRM for a buyer, as a digest of the written values and the ids written to. */
function fingerprint(buyer: BuyerSnapshot, customerId: number, contactId: number): string {
  const written = { customerId, contactId, name: buyer.name, customer: customerFieldValues(buyer), contact: contactFields(buyer) };
  return createHash('sha256').update(JSON.stringify(written)).digest('base64url');
}

const writtenStream = (moyskladId: string) => `amo_buyer:${moyskladId}`;

async function lastWritten(ctx: RuleContext, moyskladId: string): Promise<string | null> {
  const row = await ctx.db.selectFrom('sync_cursors').select('cursor').where('account_id', '=', ctx.accountId).where('stream', '=', writtenStream(moyskladId)).executeTakeFirst();
  return row?.cursor ?? null;
}

async function rememberWritten(ctx: RuleContext, moyskladId: string, value: string): Promise<void> {
  const now = Date.now();
  await ctx.db
    .insertInto('sync_cursors')
    .values({ account_id: ctx.accountId, stream: writtenStream(moyskladId), cursor: value, updated_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'stream']).doUpdateSet({ cursor: value, updated_at: now }))
    .execute();
}

/** Forget what was written (the customer turned out to be gone): the next sync writes everything again. */
export async function forgetWritten(ctx: RuleContext, moyskladId: string): Promise<void> {
  await ctx.db.deleteFrom('sync_cursors').where('account_id', '=', ctx.accountId).where('stream', '=', writtenStream(moyskladId)).execute();
}

/** amoCRM's answer when the entity we update no longer exists (deleted in its UI). */
export function isGoneInAmo(error: unknown): boolean {
  // Only the entity itself: a NotFound on a nested path (a catalog element of a purchase) is another matter.
  if (error instanceof AmoValidationError) return error.items.some((item) => item.errors.some((e) => e.code === 'NotFound' && (e.path === undefined || e.path === 'id' || e.path === 'entity_id')));
  return error instanceof AmoError && error.status === 404;
}

async function updatedUnlessGone(update: () => Promise<unknown>): Promise<boolean> {
  try {
    await update();
    return true;
  } catch (error) {
    if (isGoneInAmo(error)) return false;
    throw error;
  }
}

const customersPageSchema = z.looseObject({
  _embedded: z.looseObject({
    customers: z.array(
      z.looseObject({
        id: z.number().int(),
        custom_fields_values: z.array(z.looseObject({ field_code: z.string().nullable().optional(), values: z.array(z.looseObject({ value: z.unknown() })).nullable().optional() })).nullable().optional(),
      }),
    ),
  }),
});

/** A customer an earlier, interrupted attempt created: full-text search, then an exact check of our id field. */
async function findMarkedCustomer(ctx: RuleContext, moyskladId: string): Promise<number | null> {
  const answer = await ctx.amo.transport.request({ method: 'GET', path: '/api/v4/customers', query: { query: moyskladId, limit: 50 }, schema: customersPageSchema });
  const hit = answer?._embedded.customers.find((customer) =>
    customer.custom_fields_values?.some((field) => field.field_code === MOYSKLAD_ID_FIELD_CODE && field.values?.some((v) => String(v.value) === moyskladId)),
  );
  return hit?.id ?? null;
}

/** Rule 4: points changed in МойСклад (a bonus transaction) → the customer's points field and the read model. */
export async function refreshBuyerPoints(ctx: RuleContext, counterpartyId: string): Promise<void> {
  const counterparty = await ctx.ms.counterparties.get(counterpartyId);
  await syncBuyer(ctx, counterparty);
}
