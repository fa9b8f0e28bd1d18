import { type Kysely, type Migration, sql } from 'kysely';
import { z } from 'zod';
import type { Dialect } from '../database.js';

/**
 * The sync's bookkeeping gets one table (or column) per meaning instead of rows of a shared key/value table
 * (`sync_cursors`), where per-buyer "last written" digests made the status page's read grow with the number of
 * buyers:
 * - `account_sync`: one row per account (mode, connection, import progress, the amoCRM products catalog and its
 *   field ids, the cached GROUP tree, the bonus-program snapshot, when a change was last applied);
 * - `sync_streams`: one keyset position per МойСклад stream (`updated` + `id`), plus when the stream last reached
 *   its end, so a settled second is never read again;
 * - `create_intents`: "an amoCRM create for this key may have been sent" (crash recovery searches only then);
 * - `entity_leases`: short per-buyer leases, so live jobs and bulk work never write one buyer at the same time;
 * - `links.written_hash`: a digest of what we last wrote to amoCRM for the linked entity (no-op writes skipped);
 * - `purchase_items.assortment_id` / `product_id`: which product a line is, so amoCRM purchases can be written from
 *   the read model (and a modification's line attached to its product);
 * - `buyers.read_at`: when the buyer was last read from МойСклад for a live job; an event that arrived before that
 *   read is already applied, so its job needs no request of its own.
 * Existing rows are carried over; per-buyer digests are dropped (the first pass after the upgrade writes each buyer
 * once more and records the new digest).
 */
export function syncStateTablesMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('account_sync')
        .addColumn('account_id', 'bigint', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
        .addColumn('mode', 'text', (c) => c.notNull().defaultTo('webhooks').check(sql`mode in ('webhooks', 'polling')`))
        .addColumn('connected_at', 'bigint')
        .addColumn('connect_error', 'text')
        .addColumn('import_state', 'text', (c) => c.notNull().defaultTo('idle').check(sql`import_state in ('idle', 'running', 'done', 'failed')`))
        .addColumn('import_done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('import_total', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('catalog_id', 'bigint')
        .addColumn('catalog_sku_field_id', 'bigint')
        .addColumn('catalog_description_field_id', 'bigint')
        .addColumn('catalog_price_field_id', 'bigint')
        .addColumn('catalog_group_field_id', 'bigint')
        .addColumn('catalog_external_id_field_id', 'bigint')
        .addColumn('group_tree_json', 'text')
        .addColumn('bonus_program_json', 'text')
        .addColumn('last_change_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sync_streams')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('stream', 'text', (c) => c.notNull())
        .addColumn('position_updated', 'text')
        .addColumn('position_id', 'text')
        .addColumn('reached_end_at', 'bigint')
        .addColumn('recent_json', 'text')
        .addColumn('completed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_streams_pk', ['account_id', 'stream'])
        .execute();

      await db.schema
        .createTable('create_intents')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('intent_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('create_intents_pk', ['account_id', 'intent_key'])
        .execute();

      await db.schema
        .createTable('entity_leases')
        .addColumn('account_id', 'bigint', (c) => c.notNull())
        .addColumn('lease_key', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('entity_leases_pk', ['account_id', 'lease_key'])
        .execute();

      await db.schema.alterTable('links').addColumn('written_hash', 'text').execute();
      await db.schema.alterTable('buyers').addColumn('read_at', 'bigint').execute();
      await db.schema.alterTable('purchase_items').addColumn('assortment_id', 'text').execute();
      await db.schema.alterTable('purchase_items').addColumn('product_id', 'text').execute();

      await carryOverSyncCursors(db, dialect);
      await db.schema.dropTable('sync_cursors').execute();
    },
  };
}

const importProgress = z.object({ state: z.enum(['idle', 'running', 'done', 'failed']), done: z.number().int().min(0), total: z.number().int().min(0) });
const modeRow = z.object({ mode: z.enum(['webhooks', 'polling']) });
const connectedRow = z.object({ at: z.number(), mode: z.enum(['webhooks', 'polling']), error: z.string().nullable().optional() });
const catalogRow = z.object({
  catalogId: z.number().int(),
  fieldIds: z.object({ SKU: z.number().int(), DESCRIPTION: z.number().int(), PRICE: z.number().int(), GROUP: z.number().int(), EXTERNAL_ID: z.number().int() }).partial(),
});

function parse<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** ISO instant → МойСклад's Moscow wall time ("YYYY-MM-DD HH:mm:ss.SSS"), for the audit sweep positions. */
function moscowText(iso: string): string | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  return new Date(ms + 3 * 3600_000).toISOString().replace('T', ' ').replace('Z', '');
}

async function carryOverSyncCursors(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  const rows = (await db.selectFrom('sync_cursors').select(['account_id', 'stream', 'cursor', 'updated_at']).execute()) as Array<{
    account_id: number | string;
    stream: string;
    cursor: string;
    updated_at: number | string;
  }>;
  const accounts = new Map<number, Record<string, unknown>>();
  const state = (accountId: number) => {
    let row = accounts.get(accountId);
    if (!row) accounts.set(accountId, (row = { account_id: accountId, updated_at: 0 }));
    return row;
  };
  const streams = new Map<string, Record<string, unknown>>();
  const stream = (accountId: number, name: string, updatedAt: number) => {
    const key = `${accountId}\u0000${name}`;
    let row = streams.get(key);
    if (!row) streams.set(key, (row = { account_id: accountId, stream: name, completed: 0, updated_at: updatedAt }));
    return row;
  };
  const intents: Array<{ account_id: number; intent_key: string; created_at: number }> = [];

  for (const row of rows) {
    const accountId = Number(row.account_id);
    const at = Number(row.updated_at);
    const name = row.stream;
    if (name === 'initial_import') {
      const progress = parse(importProgress, row.cursor);
      if (progress) Object.assign(state(accountId), { import_state: progress.state, import_done: progress.done, import_total: progress.total });
    } else if (name === 'sync_mode') {
      const mode = parse(modeRow, row.cursor);
      if (mode) state(accountId).mode = mode.mode;
    } else if (name === 'sync_connected') {
      const connected = parse(connectedRow, row.cursor);
      if (connected) Object.assign(state(accountId), { connected_at: connected.at, mode: connected.mode, connect_error: connected.error ?? null });
    } else if (name === 'amo_products_catalog') {
      const catalog = parse(catalogRow, row.cursor);
      if (catalog)
        Object.assign(state(accountId), {
          catalog_id: catalog.catalogId,
          catalog_sku_field_id: catalog.fieldIds.SKU ?? null,
          catalog_description_field_id: catalog.fieldIds.DESCRIPTION ?? null,
          catalog_price_field_id: catalog.fieldIds.PRICE ?? null,
          catalog_group_field_id: catalog.fieldIds.GROUP ?? null,
          catalog_external_id_field_id: catalog.fieldIds.EXTERNAL_ID ?? null,
        });
    } else if (name === 'bonus_program_snapshot') {
      Object.assign(state(accountId), { bonus_program_json: row.cursor });
    } else if (name.startsWith('intent:')) {
      intents.push({ account_id: accountId, intent_key: name.slice('intent:'.length), created_at: at });
    } else if (/^import:[a-z]+:done$/.test(name)) {
      if (row.cursor === 'yes') stream(accountId, `import.${name.split(':')[1]}`, at).completed = 1;
    } else if (/^(import|reconcile):[a-z]+$/.test(name)) {
      const [phase, type] = name.split(':');
      stream(accountId, `${phase}.${type}`, at).position_updated = row.cursor;
    } else if (/^audit:[a-z]+$/.test(name)) {
      const text = moscowText(row.cursor);
      if (text) stream(accountId, `audit.${name.split(':')[1]}`, at).position_updated = text;
    }
    // `amo_buyer:<id>` digests and anything unknown are dropped on purpose.
    const account = state(accountId);
    account.updated_at = Math.max(Number(account.updated_at), at);
  }

  for (const row of accounts.values()) await db.insertInto('account_sync').values(row).execute();
  for (const row of streams.values()) await db.insertInto('sync_streams').values(row).execute();
  for (let i = 0; i < intents.length; i += 500) await db.insertInto('create_intents').values(intents.slice(i, i + 500)).execute();
}
