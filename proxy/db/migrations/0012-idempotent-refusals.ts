import type { Kysely, Migration } from 'kysely';

/**
 * An idempotent request's stored answer no longer carries an HTTP status: services refuse with a code, and the edge
 * decides the status (proxy/http/routes/problem-messages.ts). `refusal_code` names the refusal a completed key keeps
 * (null: the request succeeded and `response_json` is its answer); for a refusal `response_json` holds its extra
 * members. Rows written before this migration kept `status_code` and, for a refusal, `{ problem, extra }`: they are
 * rewritten here (keys live a day, so there are few), then the column goes.
 */
export const idempotentRefusalsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('idempotency_keys').addColumn('refusal_code', 'text').execute();
    const refused = await db
      .selectFrom('idempotency_keys')
      .select(['account_id', 'key', 'response_json'])
      .where('state', '=', 'completed')
      .where('status_code', '>=', 400)
      .execute();
    for (const row of refused as { account_id: number; key: string; response_json: string | null }[]) {
      const body = parseRefusal(row.response_json);
      const thisKey = (query: any) => query.where('account_id', '=', row.account_id).where('key', '=', row.key);
      // A refusal we cannot read back is forgotten rather than guessed: a retry runs the request again, and its
      // МойСклад write is deduplicated by externalCode as for any retry.
      if (!body) await thisKey(db.deleteFrom('idempotency_keys')).execute();
      else await thisKey(db.updateTable('idempotency_keys').set({ refusal_code: body.problem, response_json: JSON.stringify(body.extra) })).execute();
    }
    await db.schema.alterTable('idempotency_keys').dropColumn('status_code').execute();
  },
};

function parseRefusal(json: string | null): { problem: string; extra: Record<string, unknown> } | null {
  try {
    const body = JSON.parse(json ?? 'null') as { problem?: unknown; extra?: unknown } | null;
    if (!body || typeof body.problem !== 'string') return null;
    const extra = body.extra !== null && typeof body.extra === 'object' ? (body.extra as Record<string, unknown>) : {};
    return { problem: body.problem, extra };
  } catch {
    return null;
  }
}
