import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { OperationLogPort } from '../ports.js';

/** Who did what, for support and for the account's audit trail (never secrets: callers pass ids and amounts). */
export class KyselyOperationLog implements OperationLogPort {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async append(entry: { accountId: number; userId: number | null; kind: string; details: Record<string, unknown> }): Promise<void> {
    await this.db
      .insertInto('operation_log')
      .values({ account_id: entry.accountId, user_id: entry.userId, kind: entry.kind, details_json: JSON.stringify(entry.details), at: this.now() })
      .execute();
  }
}
