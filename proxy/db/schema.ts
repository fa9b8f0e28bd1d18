import type { Generated } from 'kysely';

/**
 * Row types of every table, shared by SQLite and PostgreSQL. Portable conventions (one migration set for both):
 * - times are integer epoch milliseconds (`bigint`; the pg pool parses int8 to number), set by the app clock
 *   so tests can control time;
 * - booleans are 0/1 integers; JSON is stored as text and parsed (with zod) in repositories;
 * - secrets live only in `*_enc` columns, written by repositories through proxy/crypto.
 */
export interface Database {
  accounts: AccountsTable;
  links: LinksTable;
  buyers: BuyersTable;
  purchases: PurchasesTable;
  purchase_items: PurchaseItemsTable;
  account_sync: AccountSyncTable;
  sync_realtime: SyncRealtimeTable;
  sync_streams: SyncStreamsTable;
  create_intents: CreateIntentsTable;
  entity_leases: EntityLeasesTable;
  jobs: JobsTable;
  seen_events: SeenEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  operation_log: OperationLogTable;
  amo_rate: AmoRateTable;
  daily_counters: DailyCountersTable;
  referral_notes: ReferralNotesTable;
  bonus_operations: BonusOperationsTable;
  purchase_returns: PurchaseReturnsTable;
}

export type Flag = 0 | 1;

export interface AccountsTable {
  /** amoCRM account id. */
  id: number;
  subdomain: string;
  status: 'active' | 'revoked';
  /** amoCRM tokens are unusable (revoked or refresh rejected): the admin must reinstall the widget. */
  needs_reinstall: Flag;
  /** МойСклад rejected the stored token: an admin must log in again. */
  needs_reauth: Flag;
  amo_access_token_enc: string | null;
  amo_refresh_token_enc: string | null;
  amo_token_expires_at: number | null;
  /** Single-flight token refresh across processes: who refreshes, and until when the lease holds. */
  amo_refresh_lock_owner: string | null;
  amo_refresh_lock_until: number | null;
  moysklad_token_enc: string | null;
  moysklad_login: string | null;
  moysklad_account_id: string | null;
  settings_json: string;
  /** The МойСклад webhook URL's secret (before migration 0006 the one secret of both services' URLs). */
  webhook_secret_enc: string;
  /** The amoCRM webhook URL's secret (0006); null until first used on an account created before 0006. */
  amo_webhook_secret_enc?: string | null;
  /** When a revoke was confirmed with amoCRM (0006). */
  revoked_at?: number | null;
  /** When the account's personal data was purged after the revoke (0006). */
  personal_data_purged_at?: number | null;
  created_at: number;
  updated_at: number;
}

export type LinkKind =
  | 'counterparty'
  | 'contact'
  | 'product'
  | 'productfolder'
  | 'retaildemand'
  | 'retaildemand_note'
  | 'retailsalesreturn_note'
  /** A note keeping a buyer's values that amoCRM's limits cut (0011); `written_hash` says which values it holds. */
  | 'counterparty_fit_note';

export interface LinksTable {
  account_id: number;
  kind: string;
  moysklad_id: string;
  amo_id: number;
  /** Digest of the payload we last wrote to amoCRM for this entity; a write with the same digest is skipped. */
  written_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface BuyersTable {
  account_id: number;
  moysklad_id: string;
  amo_customer_id: number | null;
  name: string;
  phone: string | null;
  email: string | null;
  bonus_card: string | null;
  points: number;
  purchase_total_kopecks: number;
  purchase_count: number;
  referral_code: string | null;
  referrer_moysklad_id: string | null;
  /** Our clock when the buyer was last read from МойСклад by a live job (an older event is covered by it). */
  read_at: number | null;
  updated_at: number;
}

export interface PurchasesTable {
  account_id: number;
  /** МойСклад retaildemand id. */
  id: string;
  buyer_moysklad_id: string;
  number: string;
  /** ISO-8601 with offset (converted from МойСклад's Moscow time). */
  moment: string;
  /** Same instant as epoch ms, for ordering and cursors. */
  moment_ms: number;
  sum_kopecks: number;
  points_earned: number;
  points_spent: number;
  /** Every line was taken back (derived from `purchase_returns`, or a whole return before 0011). */
  returned: Flag;
  /** Σ of the sums of this sale's returns (0011, derived from `purchase_returns`): the net sum is `sum − returned`. */
  returned_kopecks: Generated<number>;
  updated_at: number;
}

/** One retail return of a sale (0011). Several partial returns of one sale add up; the purchase's net is derived. */
export interface PurchaseReturnsTable {
  account_id: number;
  /** МойСклад retailsalesreturn id. */
  id: string;
  /** The sale (МойСклад retaildemand id) it returns from. */
  purchase_id: string;
  number: string;
  moment_ms: number;
  sum_kopecks: number;
  /** Points earned on the sale that this return took back (SPENDING operations of the return). */
  points_taken_back: number;
  /** Points spent on the sale that this return gave back (EARNING operations of the return). */
  points_given_back: number;
  /** The returned lines, JSON `[{assortmentId, quantity}]`. */
  lines_json: string;
  updated_at: number;
}

export interface PurchaseItemsTable {
  account_id: number;
  purchase_id: string;
  position: number;
  name: string;
  quantity: number;
  price_kopecks: number;
  /** The МойСклад assortment of the line (product, variant, service…), null for rows written before 0005. */
  assortment_id: string | null;
  /** The product the line belongs to (a variant's product), whose amoCRM catalog element the purchase carries. */
  product_id: string | null;
  /** How much of the line returns took back (0011, derived from `purchase_returns`, first line of an item first). */
  returned_quantity: Generated<number>;
}

export type SyncMode = 'webhooks' | 'polling';
export type ImportState = 'idle' | 'running' | 'done' | 'failed';

/** The sync's state of one account: one row, one meaning per column (see migration 0005). */
export interface AccountSyncTable {
  account_id: number;
  mode: Generated<SyncMode>;
  /** When connect last completed (epoch ms); null = not connected yet. */
  connected_at: number | null;
  connect_error: string | null;
  import_state: Generated<ImportState>;
  import_done: Generated<number>;
  import_total: Generated<number>;
  /** The amoCRM products catalog and the ids of its preset fields (ids differ per account). */
  catalog_id: number | null;
  catalog_sku_field_id: number | null;
  catalog_description_field_id: number | null;
  catalog_price_field_id: number | null;
  catalog_group_field_id: number | null;
  catalog_external_id_field_id: number | null;
  /** The GROUP field's category tree as last read or written by us (JSON `[{id, parent_id, value}]`). */
  group_tree_json: string | null;
  /** The active МойСклад bonus program as last read (JSON), shown on the card. */
  bonus_program_json: string | null;
  /** When the sync last applied a change to either side (epoch ms): the status page's "last sync". */
  last_change_at: number | null;
  /** When a change of the connection (МойСклад reconnected, widget reinstalled) asked for connect to run again. */
  connect_requested_at: number | null;
  /** When our МойСклад webhooks were last verified against МойСклад's list (connect or reconciliation). */
  webhooks_checked_at: number | null;
  /** When a МойСклад webhook last reached us for this account. */
  last_event_at: number | null;
  /** Ids of the GROUP tree nodes the sync created (JSON array, 0011); only those are ever removed. */
  group_own_nodes_json: string | null;
  /** The whole-catalog repricing after a price-type change (0011): null = never ran. */
  reprice_state: RepriceState | null;
  reprice_price_type_id: string | null;
  reprice_done: Generated<number>;
  reprice_total: Generated<number>;
  /** Products without a price of the chosen type (not written as 0), and the first of them (JSON `[{id, name}]`). */
  reprice_missing_count: Generated<number>;
  reprice_missing_json: string | null;
  reprice_finished_at: number | null;
  updated_at: number;
}

export type RepriceState = 'running' | 'done' | 'failed';

/** Why a МойСклад entity type is polled instead of pushed by webhooks (migration 0009). */
export type PollReason = 'tariff' | 'no_rights' | 'limit' | 'failing';

/** How changes of one МойСклад entity type reach the sync of one account: our webhooks, or polling and why. */
export interface SyncRealtimeTable {
  account_id: number;
  entity_type: string;
  /** Our webhooks of this type we want (one per action) and how many exist after the last check. */
  webhooks_expected: number;
  webhooks_present: number;
  /** How many of them the last check had to create again or re-enable. */
  webhooks_restored: Generated<number>;
  /** Null: webhooks deliver this type. Otherwise the type is polled, for this reason. */
  poll_reason: PollReason | null;
  /** How often a polled type is read (null while webhooks deliver it). */
  poll_interval_ms: number | null;
  /** When the type is polled next (epoch ms); the process that moves it forward polls. */
  next_poll_at: number | null;
  checked_at: number;
}

/**
 * A keyset position in one МойСклад stream (`import.product`, `reconcile.counterparty`, `audit.product`, …):
 * everything up to (`position_updated`, `position_id`) was applied.
 */
export interface SyncStreamsTable {
  account_id: number;
  stream: string;
  /** МойСклад `updated` of the last applied row (Moscow time, as МойСклад writes it). */
  position_updated: string | null;
  position_id: string | null;
  /** Our clock when a read last reached the end of the stream at this position (null: it has not since). */
  reached_end_at: number | null;
  /** `id@updated` of rows applied in the last few seconds before the position (late commits are re-read). */
  recent_json: string | null;
  /** An import stream that has been read to its end. */
  completed: Flag;
  updated_at: number;
}

/** An amoCRM create that may have been sent: a retry searches amoCRM before creating again. */
export interface CreateIntentsTable {
  account_id: number;
  intent_key: string;
  created_at: number;
}

/** Short leases (per buyer) so two jobs never write one buyer's amoCRM entities at the same time. */
export interface EntityLeasesTable {
  account_id: number;
  lease_key: string;
  owner: string;
  expires_at: number;
}

export type JobState = 'available' | 'running' | 'completed' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  account_id: number | null;
  payload_json: string;
  job_key: string | null;
  ordering_key: string | null;
  state: JobState;
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  /** What the admin is told about the last failure (proxy/queue/job-problem.ts), JSON; null when nothing is known. */
  problem_json: string | null;
  created_at: number;
  updated_at: number;
}

export interface SeenEventsTable {
  source: string;
  account_id: number;
  event_id: string;
  expires_at: number;
}

export interface IdempotencyKeysTable {
  account_id: number;
  key: string;
  request_hash: string;
  state: 'in_progress' | 'completed';
  /** The refusal a completed key keeps (a service's code); null when the request succeeded. */
  refusal_code: string | null;
  /** The success answer, or the refusal's extra members. */
  response_json: string | null;
  created_at: number;
  expires_at: number;
}

export interface OperationLogTable {
  id: Generated<number>;
  account_id: number;
  user_id: number | null;
  kind: string;
  details_json: string;
  at: number;
}

/** Amounts per account, subject and Moscow day that must be capped across processes (0006). */
export interface DailyCountersTable {
  account_id: number;
  /** What is counted, e.g. `bonus:accrue:user:5000001` or `referral:referrer:<МойСклад id>`. */
  subject: string;
  /** `YYYY-MM-DD` in Moscow time (the shop's day). */
  day: string;
  amount: number;
  updated_at: number;
}

/** An amoCRM note waiting for its referred buyer's amoCRM customer to exist (0006). */
export interface ReferralNotesTable {
  account_id: number;
  /** The referred buyer's МойСклад counterparty id. */
  moysklad_id: string;
  /** `signup` or `reward` (one note of each at most). */
  kind: string;
  text: string;
  created_at: number;
}

export interface AmoRateTable {
  account_id: string;
  /** Earliest time (epoch ms) the next request to this account may be sent. */
  next_free_at: number;
  blocked_since: number | null;
  /** null with blocked_since set = blocked until a human clears it. */
  blocked_until: number | null;
  blocked_reason: string | null;
}

export interface BonusOperationsTable {
  account_id: number;
  /** МойСклад bonustransaction id. */
  id: string;
  buyer_moysklad_id: string;
  /** ISO-8601 with the Moscow offset (МойСклад's wall clock made explicit). */
  moment: string;
  /** Same instant as epoch ms, for ordering and cursors. */
  moment_ms: number;
  type: 'EARNING' | 'SPENDING';
  /** Points (МойСклад `bonusValue`), a positive integer. */
  value: number;
  /** МойСклад `transactionStatus`: WAIT_PROCESSING, COMPLETED or CANCELED. */
  status: string;
  /** The sale (МойСклад retaildemand id) the operation belongs to, if any. */
  retail_demand_id: string | null;
  /** The amoCRM user who made it from the widget; null when it came from the till or МойСклад itself. */
  author_amo_user_id: number | null;
  author_name: string | null;
  comment: string | null;
  updated_at: number;
}
