import type { Kysely, Migration } from 'kysely';

/**
 * A failed job keeps what the admin must read about it next to the raw error: which entity, which field, the
 * refusing service's words and what to do (JSON, proxy/queue/job-problem.ts).
 */
export const jobProblemsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('problem_json', 'text').execute();
  },
};
