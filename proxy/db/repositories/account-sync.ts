import type { Kysely, Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import type { AccountSyncTable, Database, ImportState, RepriceState, SyncMode } from '../schema.js';

export type { ImportState, RepriceState, SyncMode };

export interface ImportProgress {
  state: ImportState;
  done: number;
  total: number;
}

/** The account's active МойСклад bonus program as last read (the card shows it without a live МойСклад call). */
export type BonusProgramSnapshot = {
  id: string;
  name: string;
  active: boolean;
  earnRateRoublesToPoint: number;
  spendRatePointsToRouble: number;
  maxPaidRatePercents: number;
};

const programSnapshot = z.object({
  program: z
    .object({
      id: z.string(),
      name: z.string(),
      active: z.boolean(),
      earnRateRoublesToPoint: z.number(),
      spendRatePointsToRouble: z.number(),
      maxPaidRatePercents: z.number(),
    })
    .nullable(),
});

/** The ids of the products catalog's preset fields, by field code (they differ per account). */
export interface CatalogFieldIds {
  SKU?: number;
  DESCRIPTION?: number;
  PRICE?: number;
  GROUP?: number;
  EXTERNAL_ID?: number;
}

export interface ProductsCatalog {
  catalogId: number;
  fieldIds: CatalogFieldIds;
}

/** A product that has no price of the chosen type (reported, never written as 0). */
export interface UnpricedProduct {
  moyskladId: string;
  name: string;
}

/** The whole-catalog repricing after the price type changed on the settings page. */
export interface RepriceProgress {
  state: RepriceState;
  /** The price type it applies (null: «Цена продажи», none chosen). */
  priceTypeId: string | null;
  done: number;
  total: number;
  /** Products without a price of that type, and the first of them by name. */
  unpricedCount: number;
  unpriced: UnpricedProduct[];
  finishedAt: number | null;
}

/** How many unpriced products the status keeps by name (the count is exact). */
export const UNPRICED_LISTED = 20;
const unpricedSchema = z.array(z.object({ moyskladId: z.string(), name: z.string() }));
const ownNodesSchema = z.array(z.number().int());

export interface AccountSyncState {
  mode: SyncMode;
  connectedAt: number | null;
  connectError: string | null;
  import: ImportProgress;
  catalog: ProductsCatalog | null;
  groupTreeJson: string | null;
  bonusProgramJson: string | null;
  lastChangeAt: number | null;
  /** When a change of the connection asked connect to run again (null: only the first connect). */
  connectRequestedAt: number | null;
  /** When our МойСклад webhooks were last verified. */
  webhooksCheckedAt: number | null;
  /** When a МойСклад webhook last reached us. */
  lastEventAt: number | null;
  /** Ids of the GROUP nodes the sync created (the only ones it ever removes). */
  groupOwnNodeIds: number[];
  /** null: the catalog was never repriced. */
  reprice: RepriceProgress | null;
}

type Patch = Omit<Updateable<AccountSyncTable>, 'account_id' | 'updated_at'>;

const num = (value: number | string | null): number | null => (value === null ? null : Number(value));

/**
 * The sync's state of each account, one row per account and one column per fact (mode, connection, import
 * progress, products catalog, GROUP tree cache, bonus-program snapshot, last applied change). A missing row reads
 * as "never connected".
 */
export class AccountSyncRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(accountId: number): Promise<AccountSyncState> {
    const row = await this.db.selectFrom('account_sync').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return row ? toState(row) : EMPTY;
  }

  async update(accountId: number, patch: Patch): Promise<void> {
    const now = this.now();
    await this.db
      .insertInto('account_sync')
      .values({ account_id: accountId, ...patch, updated_at: now })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...patch, updated_at: now }))
      .execute();
  }

  setImportProgress(accountId: number, progress: ImportProgress): Promise<void> {
    return this.update(accountId, { import_state: progress.state, import_done: progress.done, import_total: progress.total });
  }

  /** `at`: when the connect run started, so a request made while it ran (a later `connect_requested_at`) runs it again. */
  markConnected(accountId: number, mode: SyncMode, at = this.now()): Promise<void> {
    return this.update(accountId, { connected_at: at, mode, connect_error: null });
  }

  /**
   * The connection changed (МойСклад connected again, the widget reinstalled, a webhook secret rotated): connect must
   * run again, whatever `connected_at` says. The scheduler and the connect job compare the two.
   */
  requestConnect(accountId: number, at = this.now()): Promise<void> {
    return this.update(accountId, { connect_requested_at: at });
  }

  /** Whether connect has run since the connection last changed. */
  static connectDue(state: Pick<AccountSyncState, 'connectedAt' | 'connectRequestedAt'>): boolean {
    return state.connectedAt === null || (state.connectRequestedAt !== null && state.connectRequestedAt > state.connectedAt);
  }

  /** Our МойСклад webhooks were verified now; `mode` says whether any type has to be polled. */
  markWebhooksChecked(accountId: number, mode: SyncMode, at = this.now()): Promise<void> {
    return this.update(accountId, { webhooks_checked_at: at, mode });
  }

  /**
   * A МойСклад webhook arrived. Written at most once a second per account (a burst of deliveries costs one write),
   * and only for a connected account's row.
   */
  async noteEvent(accountId: number, executor: Kysely<Database> = this.db, at = this.now()): Promise<void> {
    await executor
      .updateTable('account_sync')
      .set({ last_event_at: at })
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('last_event_at', 'is', null), eb('last_event_at', '<', at - 1_000)]))
      .execute();
  }

  setMode(accountId: number, mode: SyncMode): Promise<void> {
    return this.update(accountId, { mode });
  }

  saveCatalog(accountId: number, catalog: ProductsCatalog | null): Promise<void> {
    const ids = catalog?.fieldIds ?? {};
    return this.update(accountId, {
      catalog_id: catalog?.catalogId ?? null,
      catalog_sku_field_id: ids.SKU ?? null,
      catalog_description_field_id: ids.DESCRIPTION ?? null,
      catalog_price_field_id: ids.PRICE ?? null,
      catalog_group_field_id: ids.GROUP ?? null,
      catalog_external_id_field_id: ids.EXTERNAL_ID ?? null,
      // A new catalog has its own GROUP tree.
      group_tree_json: null,
    });
  }

  saveGroupTree(accountId: number, json: string | null): Promise<void> {
    return this.update(accountId, { group_tree_json: json });
  }

  saveGroupOwnNodes(accountId: number, ids: readonly number[]): Promise<void> {
    return this.update(accountId, { group_own_nodes_json: JSON.stringify([...new Set(ids)].sort((a, b) => a - b)) });
  }

  /** A repricing starts (or starts over) for `priceTypeId`. */
  startReprice(accountId: number, priceTypeId: string | null, total: number): Promise<void> {
    return this.update(accountId, { reprice_state: 'running', reprice_price_type_id: priceTypeId, reprice_done: 0, reprice_total: total, reprice_missing_count: 0, reprice_missing_json: null, reprice_finished_at: null });
  }

  setRepriceProgress(accountId: number, progress: Pick<RepriceProgress, 'done' | 'total' | 'unpricedCount' | 'unpriced'>): Promise<void> {
    return this.update(accountId, {
      reprice_done: progress.done,
      reprice_total: progress.total,
      reprice_missing_count: progress.unpricedCount,
      reprice_missing_json: JSON.stringify(progress.unpriced.slice(0, UNPRICED_LISTED)),
    });
  }

  finishReprice(accountId: number, state: Exclude<RepriceState, 'running'>, at = this.now()): Promise<void> {
    return this.update(accountId, { reprice_state: state, reprice_finished_at: at });
  }

  /** The snapshot of the account's bonus program (null: none active), taken when МойСклад is connected or operated on. */
  saveBonusProgram(accountId: number, program: BonusProgramSnapshot | null): Promise<void> {
    return this.update(accountId, { bonus_program_json: JSON.stringify({ program }) });
  }

  /**
   * What the card needs of the account's state, in one row: the bonus program snapshot and where the first import
   * stands (a card shown before it ends is incomplete). No row: no program, import `idle`.
   */
  async cardState(accountId: number): Promise<{ program: BonusProgramSnapshot | null; import: ImportProgress }> {
    const row = await this.db.selectFrom('account_sync').select(['bonus_program_json', 'import_state', 'import_done', 'import_total']).where('account_id', '=', accountId).executeTakeFirst();
    return {
      program: parseProgram(row?.bonus_program_json ?? null),
      import: row ? { state: row.import_state, done: Number(row.import_done), total: Number(row.import_total) } : { state: 'idle', done: 0, total: 0 },
    };
  }

  /** A change was applied to one side (a row of a stream, a webhook's entity): the status page's "last sync". */
  touchLastChange(accountId: number, at = this.now()): Promise<void> {
    return this.update(accountId, { last_change_at: at });
  }

  /** Forgets the connection (МойСклад disconnected or the account revoked): the next connect starts over. */
  async reset(accountId: number): Promise<void> {
    await this.db.deleteFrom('account_sync').where('account_id', '=', accountId).execute();
  }
}

const EMPTY: AccountSyncState = {
  mode: 'webhooks',
  connectedAt: null,
  connectError: null,
  import: { state: 'idle', done: 0, total: 0 },
  catalog: null,
  groupTreeJson: null,
  bonusProgramJson: null,
  lastChangeAt: null,
  connectRequestedAt: null,
  webhooksCheckedAt: null,
  lastEventAt: null,
  groupOwnNodeIds: [],
  reprice: null,
};

function toState(row: Selectable<AccountSyncTable>): AccountSyncState {
  const fieldIds: CatalogFieldIds = {};
  const pairs: [keyof CatalogFieldIds, number | null][] = [
    ['SKU', num(row.catalog_sku_field_id)],
    ['DESCRIPTION', num(row.catalog_description_field_id)],
    ['PRICE', num(row.catalog_price_field_id)],
    ['GROUP', num(row.catalog_group_field_id)],
    ['EXTERNAL_ID', num(row.catalog_external_id_field_id)],
  ];
  for (const [code, id] of pairs) if (id !== null) fieldIds[code] = id;
  return {
    mode: row.mode,
    connectedAt: num(row.connected_at),
    connectError: row.connect_error,
    import: { state: row.import_state, done: Number(row.import_done), total: Number(row.import_total) },
    catalog: row.catalog_id === null ? null : { catalogId: Number(row.catalog_id), fieldIds },
    groupTreeJson: row.group_tree_json,
    bonusProgramJson: row.bonus_program_json,
    lastChangeAt: num(row.last_change_at),
    connectRequestedAt: num(row.connect_requested_at),
    webhooksCheckedAt: num(row.webhooks_checked_at),
    lastEventAt: num(row.last_event_at),
    groupOwnNodeIds: parsed(ownNodesSchema, row.group_own_nodes_json) ?? [],
    reprice:
      row.reprice_state === null
        ? null
        : {
            state: row.reprice_state,
            priceTypeId: row.reprice_price_type_id,
            done: Number(row.reprice_done),
            total: Number(row.reprice_total),
            unpricedCount: Number(row.reprice_missing_count),
            unpriced: parsed(unpricedSchema, row.reprice_missing_json) ?? [],
            finishedAt: num(row.reprice_finished_at),
          },
  };
}

function parsed<T>(schema: z.ZodType<T>, json: string | null): T | null {
  if (!json) return null;
  try {
    const result = schema.safeParse(JSON.parse(json));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** A snapshot that does not parse (written by an older version) reads as "no program" rather than failing the card. */
function parseProgram(json: string | null): BonusProgramSnapshot | null {
  if (!json) return null;
  try {
    const parsed = programSnapshot.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data.program : null;
  } catch {
    return null;
  }
}
