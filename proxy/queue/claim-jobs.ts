import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database, JobsTable } from '../db/schema.js';

export interface ClaimRequest {
  workerId: string;
  kinds: readonly string[];
  limit: number;
  now: number;
  leaseMs: number;
}

/**
 * Claims up to `limit` due jobs in ONE atomic `UPDATE … RETURNING` (never select-then-update).
 *
 * PostgreSQL: a CTE picks candidates `FOR UPDATE SKIP LOCKED`, so concurrent workers skip each other's rows
 * instead of waiting or double-claiming. SQLite has no SKIP LOCKED but a single writer: an UPDATE statement
 * takes the write lock when it starts (it runs as its own implicit immediate transaction), so the subquery
 * and the update see the same state and two connections cannot claim the same row.
 *
 * Per-entity ordering: a candidate is skipped while an earlier job with the same ordering key is still
 * available or running.
 */
export async function claimJobs(db: Kysely<Database>, dialect: Dialect, request: ClaimRequest): Promise<Selectable<JobsTable>[]> {
  if (request.kinds.length === 0 || request.limit < 1) return [];
  const { workerId, now, limit } = request;
  const lockedUntil = now + request.leaseMs;
  const kinds = sql.join(request.kinds.map((kind) => sql`${kind}`));
  const eligible = sql`
    j.state = 'available' and j.run_at <= ${now} and j.kind in (${kinds})
    and (j.ordering_key is null or not exists (
      select 1 from jobs e
      where e.ordering_key = j.ordering_key and e.id < j.id and e.state in ('available', 'running')))`;

  const query =
    dialect === 'postgres'
      ? sql<Selectable<JobsTable>>`
          with candidates as (
            select j.id from jobs j where ${eligible}
            order by j.run_at, j.id
            limit ${limit}
            for update skip locked
          )
          update jobs
          set state = 'running', locked_by = ${workerId}, locked_until = ${lockedUntil},
              attempts = jobs.attempts + 1, updated_at = ${now}
          from candidates
          where jobs.id = candidates.id
          returning jobs.*`
      : sql<Selectable<JobsTable>>`
          update jobs
          set state = 'running', locked_by = ${workerId}, locked_until = ${lockedUntil},
              attempts = attempts + 1, updated_at = ${now}
          where id in (select j.id from jobs j where ${eligible} order by j.run_at, j.id limit ${limit})
          returning *`;

  const { rows } = await query.execute(db);
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}
