import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../schema.js';

export interface OperationLogEntry {
  accountId: number;
  /** amoCRM user who acted; null for the system (sync jobs, hooks). */
  userId: number | null;
  kind: string;
  /** Must not contain secrets: it is shown to account admins. */
  details: Record<string, unknown>;
}

export interface LoggedOperation extends OperationLogEntry {
  id: number;
  /** Epoch ms. */
  at: number;
}

const detailsSchema = z.record(z.string(), z.unknown());

/** Append-only audit trail of who did what (bonus accruals, connection changes, settings). */
export class OperationLogRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async append(entry: OperationLogEntry, executor: Kysely<Database> = this.db): Promise<void> {
    await executor
      .insertInto('operation_log')
      .values({ account_id: entry.accountId, user_id: entry.userId, kind: entry.kind, details_json: JSON.stringify(entry.details), at: this.now() })
      .execute();
  }

  /** Newest first. */
  async list(accountId: number, limit = 50): Promise<LoggedOperation[]> {
    const rows = await this.db
      .selectFrom('operation_log')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      accountId: Number(row.account_id),
      userId: row.user_id === null ? null : Number(row.user_id),
      kind: row.kind,
      details: detailsSchema.parse(JSON.parse(row.details_json)),
      at: Number(row.at),
    }));
  }
}
