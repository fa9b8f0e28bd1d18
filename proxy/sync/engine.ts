import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountSyncRepository } from '../db/repositories/account-sync.js';
import type { BonusOperationsRepository } from '../db/repositories/bonus-operations.js';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { CreateIntentsRepository } from '../db/repositories/create-intents.js';
import type { EntityLeasesRepository } from '../db/repositories/entity-leases.js';
import type { LinksRepository } from '../db/repositories/links.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { SyncRealtimeRepository } from '../db/repositories/sync-realtime.js';
import type { SyncStreamsRepository } from '../db/repositories/sync-streams.js';
import type { Database } from '../db/schema.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { AccountClients } from './account-clients.js';
import { discoverProductsCatalog, rememberCatalog, type ProductsCatalog } from './amo-catalog.js';
import type { ReadModelRepository } from '../db/repositories/read-model.js';
import type { RuleContext, SyncLane, SyncLogger } from './rule-context.js';

export interface SyncEngineOptions {
  /** Our public origin; webhook URLs are built under it. */
  publicUrl: string;
  /** How often each account is reconciled (keyset sweeps + audit deletions). */
  reconcileIntervalMs: number;
  /** How often the amoCRM products catalog is swept for elements deleted there (no webhook is documented). */
  catalogSweepIntervalMs: number;
  /** While some type has no webhooks (free tariff, no admin rights, the 5 slots taken, failing deliveries), we reconcile this often. */
  pollingIntervalMs: number;
  /** How often polled types are read (proxy/sync/poller.ts): sales, whose latency users watch, and the others. */
  salePollMs: number;
  otherPollMs: number;
  /** How long a webhook may take to arrive before its absence counts as failing deliveries (proxy/sync/realtime.ts). */
  deliveryGraceMs: number;
  /** Import past sales on connect (the seed's optional import of history). */
  importPastSales: boolean;
}

export interface SyncEngineDeps {
  db: Kysely<Database>;
  queue: JobQueue;
  accounts: AccountsRepository;
  clients: AccountClients;
  state: AccountSyncRepository;
  streams: SyncStreamsRepository;
  realtime: SyncRealtimeRepository;
  links: LinksRepository;
  intents: CreateIntentsRepository;
  leases: EntityLeasesRepository;
  readModel: ReadModelRepository;
  bonusOperations: BonusOperationsRepository;
  operationLog: OperationLogRepository;
  logger: SyncLogger;
  options: SyncEngineOptions;
}

/** Builds, per account and job, the context the rules run in. */
export class SyncEngine {
  constructor(readonly deps: SyncEngineDeps) {}

  /**
   * `lane`: live work (webhooks, widget operations) or bulk work (import, reconciliation); the clients put live calls
   * first. `signal`: the job's; rules stop before their next amoCRM write once it aborts (shutdown, lost lease).
   */
  async context(accountId: number, options: { lane: SyncLane; signal?: AbortSignal | undefined }): Promise<RuleContext> {
    const { lane, signal } = options;
    const [ms, amo, settings] = await Promise.all([
      this.deps.clients.moysklad(accountId, lane),
      this.deps.clients.amo(accountId, lane),
      this.deps.accounts.getSettings(accountId),
    ]);
    let catalog: Promise<ProductsCatalog | null> | null = null;
    const { state } = this.deps;
    return {
      accountId,
      lane,
      ...(signal ? { signal } : {}),
      ms,
      amo,
      db: this.deps.db,
      links: this.deps.links,
      intents: this.deps.intents,
      leases: this.deps.leases,
      leaseOwner: `${lane}:${randomUUID()}`,
      state,
      readModel: this.deps.readModel,
      bonusOperations: this.deps.bonusOperations,
      operationLog: this.deps.operationLog,
      queue: this.deps.queue,
      priceTypeId: typeof settings.priceTypeId === 'string' ? settings.priceTypeId : null,
      // Known once connected (account_sync): asked of amoCRM only when missing, not per entity.
      catalog: () => {
        catalog ??= (async () => {
          const stored = (await state.get(accountId)).catalog;
          if (stored) return stored;
          const found = await discoverProductsCatalog(amo);
          if (found) await rememberCatalog({ accountId, state }, found);
          return found && { catalogId: found.catalogId, fieldIds: found.fieldIds };
        })();
        return catalog;
      },
      logger: this.deps.logger,
    };
  }

  /** The URL МойСклад posts to for this account: account id to route, secret to authenticate (no signature exists). */
  async moyskladWebhookUrl(accountId: number): Promise<string> {
    const secret = await this.deps.accounts.webhookSecret(accountId, 'moysklad');
    if (!secret) throw new Error(`account ${accountId} has no webhook secret`);
    return `${this.deps.options.publicUrl}/webhooks/moysklad/${accountId}/${secret}`;
  }

  async amoWebhookUrl(accountId: number): Promise<string> {
    // Its own secret (not МойСклад's): made on first use for accounts created before migration 0006.
    const secret = await this.deps.accounts.webhookSecret(accountId, 'amocrm', { create: true });
    if (!secret) throw new Error(`account ${accountId} has no webhook secret`);
    return `${this.deps.options.publicUrl}/webhooks/amocrm/${accountId}/${secret}`;
  }
}
