import type { Kysely } from 'kysely';
import type { AccountsRepository } from '../db/repositories/accounts.js';
import type { LinksRepository } from '../db/repositories/links.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { SyncCursorsRepository } from '../db/repositories/sync-cursors.js';
import type { Database } from '../db/schema.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { AccountClients } from './account-clients.js';
import { discoverProductsCatalog, loadStoredCatalog, storeCatalog, type ProductsCatalog } from './amo-catalog.js';
import type { ReadModelWriter } from './read-model-writer.js';
import type { RuleContext, SyncLogger } from './rule-context.js';
import { SyncState } from './sync-state.js';

export interface SyncEngineOptions {
  /** Our public origin; webhook URLs are built under it. */
  publicUrl: string;
  /** How often each account is reconciled (`updated>=cursor` sweeps + audit deletions). */
  reconcileIntervalMs: number;
  /** How often the amoCRM products catalog is swept for elements deleted there (no webhook is documented). */
  catalogSweepIntervalMs: number;
  /** Without МойСклад webhooks (free tariff, no admin rights) we reconcile this often instead. */
  pollingIntervalMs: number;
  /** Import past sales on connect (the seed's optional import of history). */
  importPastSales: boolean;
}

export interface SyncEngineDeps {
  db: Kysely<Database>;
  queue: JobQueue;
  accounts: AccountsRepository;
  clients: AccountClients;
  cursors: SyncCursorsRepository;
  links: LinksRepository;
  readModel: ReadModelWriter;
  operationLog: OperationLogRepository;
  logger: SyncLogger;
  options: SyncEngineOptions;
}

/** Builds, per account and job, the context the rules run in. */
export class SyncEngine {
  readonly state: SyncState;

  constructor(readonly deps: SyncEngineDeps) {
    this.state = new SyncState(deps.cursors);
  }

  /** `signal`: the job's; rules stop before their next amoCRM write once it aborts (shutdown, lost lease). */
  async context(accountId: number, signal?: AbortSignal): Promise<RuleContext> {
    const [ms, amo, settings] = await Promise.all([
      this.deps.clients.moysklad(accountId),
      this.deps.clients.amo(accountId),
      this.deps.accounts.getSettings(accountId),
    ]);
    let catalog: Promise<ProductsCatalog | null> | null = null;
    return {
      accountId,
      ...(signal ? { signal } : {}),
      ms,
      amo,
      db: this.deps.db,
      links: this.deps.links,
      readModel: this.deps.readModel,
      operationLog: this.deps.operationLog,
      priceTypeId: typeof settings.priceTypeId === 'string' ? settings.priceTypeId : null,
      catalog: () => {
        catalog ??= (async () => {
          const stored = await loadStoredCatalog(this.deps.cursors, accountId);
          if (stored) return stored;
          const found = await discoverProductsCatalog(amo);
          if (found) await storeCatalog(this.deps.cursors, accountId, found);
          return found;
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
