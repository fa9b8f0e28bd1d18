import type { AmoClient } from '../../amocrm/client.js';
import type { AmoRejectedItem } from '../../amocrm/errors.js';
import { MAX_BATCH_SIZE } from '../../amocrm/batch.js';
import type { Counterparty } from '../../moysklad/schemas/entities.js';
import { buyerSnapshot, contactFields, customerPayload, cutValuesNoteText, isSyncableBuyer, MOYSKLAD_ID_FIELD_CODE, valuesCut, type BuyerSnapshot, type CutValue } from '../mapping/buyer.js';
import { saleMarker } from '../mapping/sale.js';
import type { RuleContext } from '../rule-context.js';
import { writtenHash } from '../written-hash.js';
import { findNoteWithMarker, rejectedAsGone } from './amo-writes.js';
import { reportRejected } from './rejected.js';

/**
 * Finds contacts the shop already has in amoCRM for a buyer (same phone, then same e-mail), so a buyer is linked to
 * them instead of duplicated. Live work asks amoCRM per buyer; the import reads every contact once (see below).
 */
export interface ContactFinder {
  candidates(buyer: BuyerSnapshot): Promise<number[]>;
}

/** One search request per probe: right for a single buyer (a webhook) or a few (a reconciliation page). */
function queryContactFinder(amo: AmoClient): ContactFinder {
  return {
    async candidates(buyer) {
      const found: number[] = [];
      for (const probe of [buyer.phone, buyer.email]) {
        if (!probe) continue;
        for (const contact of await amo.contacts.findByPhoneOrEmail(probe)) found.push(contact.id);
        if (found.length > 0) break;
      }
      return found;
    },
  };
}

const lastTenDigits = (value: string) => value.replace(/\D/g, '').slice(-10);

/**
 * Every contact of the account read once (250 a page), indexed by phone and e-mail: the import checks thousands of
 * new buyers against it without a search request per buyer. A fresh account costs one request (204: no contacts).
 */
export async function indexedContactFinder(amo: AmoClient): Promise<ContactFinder> {
  const byPhone = new Map<string, number[]>();
  const byEmail = new Map<string, number[]>();
  const add = (index: Map<string, number[]>, key: string, id: number) => {
    const ids = index.get(key);
    if (ids) ids.push(id);
    else index.set(key, [id]);
  };
  for await (const contact of amo.contacts.iterate()) {
    for (const field of contact.custom_fields_values ?? []) {
      for (const entry of field.values ?? []) {
        const value = String(entry.value ?? '').trim();
        if (field.field_code === 'PHONE' && value.replace(/\D/g, '').length >= 10) add(byPhone, lastTenDigits(value), contact.id);
        if (field.field_code === 'EMAIL' && value.includes('@')) add(byEmail, value.toLowerCase(), contact.id);
      }
    }
  }
  return {
    async candidates(buyer) {
      const phone = buyer.phone && buyer.phone.replace(/\D/g, '').length >= 10 ? byPhone.get(lastTenDigits(buyer.phone)) : undefined;
      if (phone?.length) return phone;
      return (buyer.email ? byEmail.get(buyer.email) : undefined) ?? [];
    },
  };
}

type CustomerPayload = ReturnType<typeof customerPayload>;
type ContactPayload = ReturnType<typeof contactFields>;

interface BuyerPlan {
  buyer: BuyerSnapshot;
  customerId: number | null;
  contactId: number | null;
  customer: CustomerPayload;
  contact: ContactPayload;
  customerHash: string;
  contactHash: string;
  customerWritten: string | null;
  contactWritten: string | null;
  /** A crash after both creates and before the customer→contact link left this to do. */
  linkPending: boolean;
  /** amoCRM refused a write of this buyer in this pass. */
  refused: boolean;
  /** Values amoCRM's limits cut (kept whole in a note on the customer). */
  cut: CutValue[];
}

export interface SyncBuyersOptions {
  /** How existing amoCRM contacts are found for new buyers (default: a search request per buyer). */
  contacts?: ContactFinder;
  /**
   * When the counterparties were read (sent time of the request). Buyers some job read later are skipped (the newest
   * read is the one written), and events that arrived before this read need no request of their own.
   */
  readAt?: number;
}

/**
 * МойСклад individuals → amoCRM customers with a main contact, for a page of buyers at once (a webhook's one buyer
 * is a page of one). The caller holds the buyers' leases. What it writes:
 * - linked buyers: only what changed since our last write (digests in `links.written_hash`), 250 a request;
 * - new buyers: the shop's existing contact is reused (same phone or e-mail), else customers and contacts are
 *   created 250 a request and linked with the bulk link route; intents guard every create against crashes;
 * - the read model's buyer rows.
 * Returns МойСклад id → amoCRM customer id of every buyer that has one now.
 */
export async function syncBuyers(ctx: RuleContext, counterparties: readonly Counterparty[], options: SyncBuyersOptions = {}): Promise<Map<string, number>> {
  const byId = new Map<string, BuyerSnapshot>();
  for (const counterparty of counterparties) if (isSyncableBuyer(counterparty)) byId.set(counterparty.id, buyerSnapshot(counterparty));
  const { accountId, links } = ctx;
  const result = new Map<string, number>();
  if (options.readAt !== undefined && byId.size > 0) {
    // A job that read a buyer later has written (or will write) newer data: an older snapshot is not written.
    const stale = [...(await ctx.readModel.buyersReadAt(accountId, [...byId.keys()]))].filter(([, readAt]) => readAt > options.readAt!).map(([id]) => id);
    for (const id of stale) byId.delete(id);
    for (const [id, link] of await links.lookup(accountId, 'counterparty', stale)) result.set(id, link.amoId);
  }
  const buyers = [...byId.values()];
  if (buyers.length === 0) return result;
  const ids = buyers.map((buyer) => buyer.moyskladId);
  const [customerLinks, contactLinks, pendingLinks] = await Promise.all([
    links.lookup(accountId, 'counterparty', ids),
    links.lookup(accountId, 'contact', ids),
    ctx.intents.existing(accountId, ids.map(mainContactIntent)),
  ]);
  const plans: BuyerPlan[] = buyers.map((buyer) => {
    const customer: CustomerPayload = customerPayload(buyer);
    const contact = contactFields(buyer);
    const customerLink = customerLinks.get(buyer.moyskladId);
    const contactLink = contactLinks.get(buyer.moyskladId);
    return {
      buyer,
      customerId: customerLink?.amoId ?? null,
      contactId: contactLink?.amoId ?? null,
      customer,
      contact,
      customerHash: writtenHash(customer),
      contactHash: writtenHash(contact),
      customerWritten: customerLink?.writtenHash ?? null,
      contactWritten: contactLink?.writtenHash ?? null,
      linkPending: pendingLinks.has(mainContactIntent(buyer.moyskladId)),
      refused: false,
      cut: valuesCut(buyer),
    };
  });

  // 1. Linked entities whose payload changed since our last write. Deleted in amoCRM meanwhile: made again below.
  await updateChanged(ctx, plans);

  // 2. New or half-done buyers.
  const incomplete = plans.filter((plan) => plan.customerId === null || plan.contactId === null || plan.linkPending);
  if (incomplete.length > 0) await completeBuyers(ctx, incomplete, options.contacts ?? queryContactFinder(ctx.amo));

  for (const plan of plans) if (plan.customerId !== null) result.set(plan.buyer.moyskladId, plan.customerId);
  // A buyer counts as read only once it is written whole: an event about one amoCRM refused must run its own job.
  const complete = plans.filter((plan) => plan.customerId !== null && plan.contactId !== null && !plan.linkPending && !plan.refused);
  await writeCutValueNotes(ctx, complete);
  const incompleteRows = plans.filter((plan) => !complete.includes(plan));
  if (complete.length > 0) await ctx.readModel.upsertBuyers(accountId, complete.map((plan) => ({ buyer: plan.buyer, amoCustomerId: plan.customerId })), options.readAt ?? null);
  if (incompleteRows.length > 0) await ctx.readModel.upsertBuyers(accountId, incompleteRows.map((plan) => ({ buyer: plan.buyer, amoCustomerId: plan.customerId })), null);
  return result;
}

const customerIntent = (id: string) => `counterparty:${id}`;
const cutNoteIntent = (id: string) => `counterparty_fit_note:${id}`;

/**
 * Buyers whose values amoCRM's limits cut (a 300-character name) get a note on the customer with those values whole,
 * once per set of values: `links.written_hash` of kind `counterparty_fit_note` says which set the last note kept. In
 * bulk, 250 notes a request; an intent and a marker naming the values keep a retry after a crash from writing twice.
 */
async function writeCutValueNotes(ctx: RuleContext, plans: readonly BuyerPlan[]): Promise<void> {
  const { accountId, amo, links } = ctx;
  const wanted = plans.filter((plan) => plan.cut.length > 0 && plan.customerId !== null);
  if (wanted.length === 0) return;
  const ids = wanted.map((plan) => plan.buyer.moyskladId);
  const [noted, intents] = await Promise.all([links.lookup(accountId, 'counterparty_fit_note', ids), ctx.intents.existing(accountId, ids.map(cutNoteIntent))]);
  const todo: { plan: BuyerPlan; hash: string; marker: string }[] = [];
  for (const plan of wanted) {
    const id = plan.buyer.moyskladId;
    const hash = writtenHash(plan.cut);
    if (noted.get(id)?.writtenHash === hash) continue;
    const marker = saleMarker(`${id}:full:${hash.slice(0, 10)}`);
    const found = intents.has(cutNoteIntent(id)) ? await findNoteWithMarker(amo, plan.customerId!, marker) : null;
    if (found !== null) {
      await links.linkMany(accountId, 'counterparty_fit_note', [{ moyskladId: id, amoId: found, writtenHash: hash }]);
      await ctx.intents.clear(accountId, [cutNoteIntent(id)]);
    } else todo.push({ plan, hash, marker });
  }
  if (todo.length === 0) return;
  await ctx.intents.record(accountId, todo.map(({ plan }) => cutNoteIntent(plan.buyer.moyskladId)));
  ctx.signal?.throwIfAborted();
  const outcome = await amo.customers.addNotesMany(
    todo.map(({ plan, marker }) => ({ entity_id: plan.customerId!, note_type: 'extended_service_message' as const, params: { service: 'МойСклад', text: cutValuesNoteText(plan.cut, marker) }, request_id: plan.buyer.moyskladId })),
    { batchSize: MAX_BATCH_SIZE, skipInvalid: true },
  );
  const byId = new Map(todo.map((entry) => [entry.plan.buyer.moyskladId, entry]));
  const written = outcome.done.map(({ item, result }) => ({ moyskladId: String(item.request_id), amoId: result.id, writtenHash: byId.get(String(item.request_id))!.hash }));
  await links.linkMany(accountId, 'counterparty_fit_note', written);
  await ctx.intents.clear(accountId, written.map((row) => cutNoteIntent(row.moyskladId)));
  // The note only keeps what the card shows shortened: a refusal is logged, never a reason to fail the buyer's job.
  if (outcome.rejected.length > 0) ctx.logger.warn({ accountId, items: outcome.rejected.map((entry) => ({ requestId: entry.requestId, errors: entry.errors })) }, 'amoCRM refused notes with values cut to its limits');
}
const contactIntent = (id: string) => `contact:${id}`;
const mainContactIntent = (id: string) => `main-contact:${id}`;

/** The two amoCRM entities of a buyer, each with its link kind, payload, digest and create/update batches. */
const SIDES = {
  customer: {
    kind: 'counterparty',
    idOf: (plan: BuyerPlan) => plan.customerId,
    setId: (plan: BuyerPlan, id: number) => void (plan.customerId = id),
    payload: (plan: BuyerPlan) => plan.customer as Record<string, unknown>,
    hash: (plan: BuyerPlan) => plan.customerHash,
    written: (plan: BuyerPlan) => plan.customerWritten,
    intent: (id: string) => customerIntent(id),
    create: (ctx: RuleContext, items: Array<Record<string, unknown> & { request_id: string }>) => ctx.amo.customers.createBatch(items, { batchSize: MAX_BATCH_SIZE, skipInvalid: true }),
    update: (ctx: RuleContext, items: Array<Record<string, unknown> & { id: number; request_id: string }>) => ctx.amo.customers.updateBatch(items, { batchSize: MAX_BATCH_SIZE, skipInvalid: true }),
  },
  contact: {
    kind: 'contact',
    idOf: (plan: BuyerPlan) => plan.contactId,
    setId: (plan: BuyerPlan, id: number) => void (plan.contactId = id),
    payload: (plan: BuyerPlan) => plan.contact as Record<string, unknown>,
    hash: (plan: BuyerPlan) => plan.contactHash,
    written: (plan: BuyerPlan) => plan.contactWritten,
    intent: (id: string) => contactIntent(id),
    create: (ctx: RuleContext, items: Array<Record<string, unknown> & { request_id: string }>) => ctx.amo.contacts.createBatch(items, { batchSize: MAX_BATCH_SIZE, skipInvalid: true }),
    update: (ctx: RuleContext, items: Array<Record<string, unknown> & { id: number; request_id: string }>) => ctx.amo.contacts.updateBatch(items, { batchSize: MAX_BATCH_SIZE, skipInvalid: true }),
  },
} as const;
type Side = (typeof SIDES)[keyof typeof SIDES];

/** Writes `plans`' payload of one side to the linked entities (250 a request) and records what was written. */
async function writeSide(ctx: RuleContext, side: Side, plans: BuyerPlan[]): Promise<AmoRejectedItem<{ request_id?: string }>[]> {
  if (plans.length === 0) return [];
  ctx.signal?.throwIfAborted();
  const outcome = await side.update(ctx, plans.map((plan) => ({ id: side.idOf(plan)!, ...side.payload(plan), request_id: plan.buyer.moyskladId })));
  const byId = plansById(plans);
  await ctx.links.setWrittenHashes(ctx.accountId, side.kind, outcome.done.map(({ item }) => ({ moyskladId: item.request_id!, writtenHash: side.hash(byId.get(item.request_id!)!) })));
  return outcome.rejected;
}

/** Creates one side's entities for `plans` (250 a request), links them at once, clears their intents. */
async function createSide(ctx: RuleContext, side: Side, plans: BuyerPlan[]): Promise<AmoRejectedItem<unknown>[]> {
  if (plans.length === 0) return [];
  ctx.signal?.throwIfAborted();
  const outcome = await side.create(ctx, plans.map((plan) => ({ ...side.payload(plan), request_id: plan.buyer.moyskladId })));
  const byId = plansById(plans);
  const created = outcome.done.map(({ item, result }) => {
    const plan = byId.get(item.request_id!)!;
    side.setId(plan, result.id);
    return { moyskladId: plan.buyer.moyskladId, amoId: result.id, writtenHash: side.hash(plan) };
  });
  // Link rows right after amoCRM answers, before anything else can fail: a retry then updates, never re-creates.
  await ctx.links.linkMany(ctx.accountId, side.kind, created);
  await ctx.intents.clear(ctx.accountId, created.map((row) => side.intent(row.moyskladId)));
  return outcome.rejected;
}

async function updateChanged(ctx: RuleContext, plans: BuyerPlan[]): Promise<void> {
  for (const [what, side] of [['customer', SIDES.customer], ['contact', SIDES.contact]] as const) {
    const changed = plans.filter((plan) => side.idOf(plan) !== null && side.written(plan) !== side.hash(plan));
    await handleRejected(ctx, await writeSide(ctx, side, changed), changed, what);
  }
}

/**
 * A rejected update: the entity was deleted in amoCRM (МойСклад stays the source of buyers, so the link is forgotten
 * and the entity made again), or amoCRM refused the values (reported; the rest of the page goes on).
 */
async function handleRejected(ctx: RuleContext, rejected: AmoRejectedItem<{ request_id?: string }>[], plans: BuyerPlan[], what: 'customer' | 'contact'): Promise<void> {
  const byId = plansById(plans);
  const refused: AmoRejectedItem<{ request_id?: string }>[] = [];
  for (const entry of rejected) {
    const plan = byId.get(entry.item?.request_id ?? entry.requestId);
    if (!plan) continue;
    if (rejectedAsGone(entry)) {
      await ctx.links.unlinkByMoyskladId(ctx.accountId, what === 'customer' ? 'counterparty' : 'contact', plan.buyer.moyskladId);
      if (what === 'customer') plan.customerId = null;
      else plan.contactId = null;
    } else {
      plan.refused = true;
      refused.push(entry);
    }
  }
  await reportRejected(ctx, `buyer ${what}`, refused, 'counterparty');
}

function plansById(plans: BuyerPlan[]): Map<string, BuyerPlan> {
  return new Map(plans.map((plan) => [plan.buyer.moyskladId, plan]));
}

async function completeBuyers(ctx: RuleContext, plans: BuyerPlan[], finder: ContactFinder): Promise<void> {
  const { accountId, amo, links } = ctx;
  const refusedIn = async (what: string, rejected: AmoRejectedItem<unknown>[]) => {
    const byId = plansById(plans);
    for (const entry of rejected) {
      const plan = byId.get(entry.requestId);
      if (plan) plan.refused = true;
    }
    await reportRejected(ctx, what, rejected, 'counterparty');
  };
  const ids = plans.map((plan) => plan.buyer.moyskladId);
  const earlier = await ctx.intents.existing(accountId, ids.flatMap((id) => [customerIntent(id), contactIntent(id)]));
  const adopted: BuyerPlan[] = [];

  for (const plan of plans) {
    const id = plan.buyer.moyskladId;
    // An earlier attempt may have created the customer before crashing: our МойСклад id field finds it.
    if (plan.customerId === null && earlier.has(customerIntent(id))) {
      const found = await findMarkedCustomer(ctx, id);
      if (found !== null) {
        plan.customerId = found;
        await links.link(accountId, 'counterparty', id, found);
        adopted.push(plan);
      }
    }
    if (plan.contactId === null) {
      // The shop's own contact (or one an interrupted attempt created: it has the buyer's phone or e-mail too).
      const existing = await ownContactFor(ctx, finder, plan.buyer);
      if (existing !== null) {
        plan.contactId = existing;
        // What we would write is what the contact already says (or the shop's data, which we leave alone).
        await links.linkMany(accountId, 'contact', [{ moyskladId: id, amoId: existing, writtenHash: plan.contactHash }]);
        if (plan.customerId === null) {
          for (const candidate of await amo.contacts.customersOf(existing)) {
            // A customer already standing for another МойСклад buyer is not ours to take (links are one-to-one).
            const owner = await links.moyskladIdFor(accountId, 'counterparty', candidate);
            if (owner !== null && owner !== id) continue;
            plan.customerId = candidate;
            await links.link(accountId, 'counterparty', id, candidate);
            adopted.push(plan);
            break;
          }
        }
      }
    }
  }

  const newCustomers = plans.filter((plan) => plan.customerId === null);
  const newContacts = plans.filter((plan) => plan.contactId === null);
  const needLink = plans.filter((plan) => plan.customerId === null || plan.contactId === null || plan.linkPending || adopted.includes(plan));
  // Every intent before any write: a crash anywhere below leaves each unfinished step with its intent.
  await ctx.intents.record(accountId, [
    ...newCustomers.map((plan) => customerIntent(plan.buyer.moyskladId)),
    ...newContacts.map((plan) => contactIntent(plan.buyer.moyskladId)),
    ...needLink.map((plan) => mainContactIntent(plan.buyer.moyskladId)),
  ]);

  await refusedIn('buyer customer', await createSide(ctx, SIDES.customer, newCustomers));
  // A customer found through the shop's contact (or left by a crash) gets our fields.
  await refusedIn('buyer customer', await writeSide(ctx, SIDES.customer, adopted));
  await refusedIn('buyer contact', await createSide(ctx, SIDES.contact, newContacts));

  const linkable = needLink.filter((plan) => plan.customerId !== null && plan.contactId !== null);
  if (linkable.length > 0) {
    ctx.signal?.throwIfAborted();
    // Linking twice is harmless (amoCRM keeps one link), so a replay after a crash needs no search.
    const outcome = await amo.customers.linkMany(
      linkable.map((plan) => ({ entity_id: plan.customerId!, to_entity_id: plan.contactId!, to_entity_type: 'contacts' as const, metadata: { is_main: true }, request_id: plan.buyer.moyskladId })),
      { batchSize: MAX_BATCH_SIZE, skipInvalid: true },
    );
    const done = outcome.done.map(({ item }) => item.request_id!);
    await ctx.intents.clear(accountId, done.map(mainContactIntent));
    for (const plan of linkable) if (done.includes(plan.buyer.moyskladId)) plan.linkPending = false;
    await refusedIn('buyer contact link', outcome.rejected);
  }
}

/**
 * A contact amoCRM already has for the buyer. One that already stands for another МойСклад buyer (two buyers sharing
 * a family phone) is skipped: linking it again would break the one-to-one links table.
 */
async function ownContactFor(ctx: RuleContext, finder: ContactFinder, buyer: BuyerSnapshot): Promise<number | null> {
  const candidates = await finder.candidates(buyer);
  if (candidates.length === 0) return null;
  const owners = await ctx.links.lookupByAmoId(ctx.accountId, 'contact', candidates);
  for (const id of candidates) {
    const owner = owners.get(id);
    if (owner === undefined || owner === buyer.moyskladId) return id;
  }
  return null;
}

/** A customer an earlier, interrupted attempt created: full-text search, then an exact check of our id field. */
async function findMarkedCustomer(ctx: RuleContext, moyskladId: string): Promise<number | null> {
  for await (const customer of ctx.amo.customers.search(moyskladId)) {
    if (customer.custom_fields_values?.some((field) => field.field_code === MOYSKLAD_ID_FIELD_CODE && field.values?.some((v) => String(v.value) === moyskladId))) return customer.id;
  }
  return null;
}

/** Points (or anything else) changed in МойСклад for these buyers: re-read them and write what changed. */
export async function refreshBuyers(ctx: RuleContext, counterpartyIds: readonly string[]): Promise<void> {
  const readAt = Date.now();
  const counterparties: Counterparty[] = [];
  for (const id of new Set(counterpartyIds)) counterparties.push(await ctx.ms.counterparties.get(id));
  await syncBuyers(ctx, counterparties, { readAt });
}

/**
 * An event about a buyer that arrived at `receivedAt` is already applied when a live job read the buyer after it:
 * that read saw the change. Such an event's job then costs no request at all.
 */
export async function buyerReadSince(ctx: RuleContext, moyskladId: string, receivedAt: number | undefined): Promise<boolean> {
  if (receivedAt === undefined) return false;
  const readAt = await ctx.readModel.buyerReadAt(ctx.accountId, moyskladId);
  return readAt !== null && readAt > receivedAt;
}
