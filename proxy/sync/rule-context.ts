import type { Kysely } from 'kysely';
import type { AmoClient } from '../amocrm/client.js';
import type { LinksRepository } from '../db/repositories/links.js';
import type { OperationLogRepository } from '../db/repositories/operation-log.js';
import type { Database } from '../db/schema.js';
import type { MoySkladClient } from '../moysklad/client.js';
import type { ProductsCatalog } from './amo-catalog.js';
import type { ReadModelWriter } from './read-model-writer.js';

export interface SyncLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Everything one rule needs to move one entity for one account. Built per job by the sync engine. */
export interface RuleContext {
  accountId: number;
  /**
   * The running job's signal. Aborted at shutdown or when the lease is lost: another worker owns the job now, so
   * this one must not start new writes (a zombie writing alongside its successor is how duplicates are made).
   */
  signal?: AbortSignal;
  ms: MoySkladClient;
  amo: AmoClient;
  db: Kysely<Database>;
  links: LinksRepository;
  readModel: ReadModelWriter;
  operationLog: OperationLogRepository;
  /** The sale price type the admin chose on the settings page (null → «Цена продажи»). */
  priceTypeId: string | null;
  /** The amoCRM products catalog and its field ids; null when the account has no products catalog. */
  catalog(): Promise<ProductsCatalog | null>;
  logger: SyncLogger;
}
