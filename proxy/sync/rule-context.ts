import type { Kysely } from 'kysely';
import type { AmoClient } from '../amocrm/client.js';
import type { AccountSyncRepository, ProductsCatalog } from '../db/repositories/account-sync.js';
import type { BonusOperationsRepository } from '../db/repositories/bonus-operations.js';
import type { CreateIntentsRepository } from '../db/repositories/create-intents.js';
import type { EntityLeasesRepository } from '../db/repositories/entity-leases.js';
import type { LinksRepository } from '../db/repositories/links.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { Database } from '../db/schema.js';
import type { MoySkladClient } from '../moysklad/client.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { ReadModelRepository } from '../db/repositories/read-model.js';

export interface SyncLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Which lane a piece of work runs in. `live`: a webhook's entity or a widget operation — a person is waiting, so its
 * МойСклад and amoCRM calls go ahead of bulk calls in this process's limiters. `bulk`: the import, reconciliation,
 * repricing — long runs that must never hold a live event back.
 */
export type SyncLane = 'live' | 'bulk';

/** Everything a rule needs to move entities of one account. Built per job by the sync engine. */
export interface RuleContext {
  accountId: number;
  lane: SyncLane;
  /**
   * The running job's signal. Aborted at shutdown or when the lease is lost: another worker owns the job now, so
   * this one must not start new writes (a zombie writing alongside its successor is how duplicates are made).
   */
  signal?: AbortSignal;
  ms: MoySkladClient;
  amo: AmoClient;
  db: Kysely<Database>;
  links: LinksRepository;
  intents: CreateIntentsRepository;
  leases: EntityLeasesRepository;
  /** Who holds this context's entity leases (unique per job run). */
  leaseOwner: string;
  state: AccountSyncRepository;
  readModel: ReadModelRepository;
  /** The card's history of bonus operations (read model). */
  bonusOperations: BonusOperationsRepository;
  operationLog: OperationLogRepository;
  /** The job queue (bulk work hands what amoCRM refused to the live lane). */
  queue: JobQueue;
  /** The sale price type the admin chose on the settings page (null → «Цена продажи»). */
  priceTypeId: string | null;
  /** The amoCRM products catalog and its field ids; null when the account has no products catalog. */
  catalog(): Promise<ProductsCatalog | null>;
  logger: SyncLogger;
}
