import { toMoscowString } from '../moysklad/moscow-time.js';
import { MoySkladAuthError, MoySkladError } from '../moysklad/errors.js';
import { WEBHOOK_LIMIT_CODE, type EnsureWebhooksResult, type WebhookSpec } from '../moysklad/resources/webhooks.js';
import type { SyncMode } from '../db/repositories/account-sync.js';
import { EMPTY_POSITION } from '../db/repositories/sync-streams.js';
import type { PollReason, RealtimeCheck } from '../db/repositories/sync-realtime.js';
import type { SyncEngine } from './engine.js';
import { MOYSKLAD_SYNCED_TYPES, type SyncedType } from './jobs.js';
import { pollIntervalMs } from './poll-intervals.js';
import type { RuleContext } from './rule-context.js';

/**
 * How changes reach the sync in real time: our МойСклад webhooks, verified and restored at every connect and every
 * reconciliation pass, and — for the types webhooks cannot deliver — polling (proxy/sync/poller.ts).
 *
 * МойСклад webhook rules (https://github.com/moysklad/api-remap-1.2-doc, md/dictionaries/_webhook.md and
 * md/_errors.md): only an admin may manage them (30004), the free tariff has none (30006), and at most 5 webhooks may
 * exist per (entityType, action) across the account's users (30007: a website plugin or another CRM may have taken
 * the slots). A webhook is dropped after 3 failed immediate retries, so a URL that stopped answering loses events.
 */

const WEBHOOK_ACTIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;

/** Refusals that concern every type at once: nothing can be registered for the account. */
const ACCOUNT_REFUSALS = new Map<number, PollReason>([
  [30004, 'no_rights'],
  [30006, 'tariff'],
]);

/**
 * A sale changed inside this window after the last webhook arrived (and this long before the check) says that
 * deliveries do not reach us: a webhook arrives within seconds of a change, and МойСклад's clock may differ from ours.
 */
export const DELIVERY_GRACE_MS = 60_000;

/** Every webhook URL of the account starts so, whatever its secret: ours to keep or delete, and nobody else's. */
function ownedWebhookPrefix(publicUrl: string, accountId: number): string {
  return `${publicUrl}/webhooks/moysklad/${accountId}/`;
}

/** The webhooks we want: every synced type × action, at the account's current URL. */
function webhookSpecs(url: string): WebhookSpec[] {
  return MOYSKLAD_SYNCED_TYPES.flatMap((entityType) => WEBHOOK_ACTIONS.map((action) => ({ url, entityType, action })));
}

export interface WebhookCheck {
  mode: SyncMode;
  checks: RealtimeCheck[];
}

/**
 * Makes МойСклад hold exactly our wanted webhooks at the current URL — one listing when all are there; one bulk write
 * for the missing or disabled ones; one bulk delete of ours under an old URL (a rotated secret) — and records per type
 * what exists and what has to be polled instead, and why.
 *
 * `connect`: anything but a refusal fails the connect job (it is retried). `reconcile`: a check that cannot run (a
 * network error, a 5xx) leaves the last recorded one in place (its time says how old it is); a 401 still throws (the
 * job is parked). A reconciliation also asks whether sales changed while no webhook arrived: then deliveries fail
 * (our URL unreachable from МойСклад, a proxy in between refusing them) and every type is polled until they resume.
 */
export async function checkWebhooks(engine: SyncEngine, ctx: RuleContext, when: 'connect' | 'reconcile'): Promise<WebhookCheck | null> {
  const { accountId } = ctx;
  const at = Date.now();
  let checks: RealtimeCheck[];
  try {
    const result = await ctx.ms.webhooks.ensure(webhookSpecs(await engine.moyskladWebhookUrl(accountId)), ownedWebhookPrefix(engine.deps.options.publicUrl, accountId));
    checks = summarize(result, when === 'reconcile', engine.deps.options);
    if (result.created.length + result.enabled.length + result.removed.length > 0 || result.refused.length > 0) {
      ctx.logger.info(
        { accountId, created: result.created.length, enabled: result.enabled.length, removed: result.removed.length, refused: result.refused.map((r) => `${r.spec.entityType}/${r.spec.action}:${r.code ?? '?'}`) },
        `МойСклад webhooks ${when === 'connect' ? 'registered' : 'verified and repaired'}`,
      );
    }
  } catch (error) {
    const reason = error instanceof MoySkladError && error.code !== undefined ? ACCOUNT_REFUSALS.get(error.code) : undefined;
    if (!reason) {
      if (when === 'connect' || error instanceof MoySkladAuthError) throw error;
      ctx.logger.warn({ accountId, err: error instanceof Error ? error.message : String(error) }, 'МойСклад webhooks could not be verified; the last check stands');
      return null;
    }
    ctx.logger.warn({ accountId, reason }, 'МойСклад refuses webhooks for this account: its changes are polled');
    checks = MOYSKLAD_SYNCED_TYPES.map((entityType) => ({ entityType, expected: WEBHOOK_ACTIONS.length, present: 0, restored: 0, pollReason: reason, pollIntervalMs: pollIntervalMs(entityType, engine.deps.options) }));
  }

  if (when === 'reconcile' && (await deliveriesFail(engine, ctx, checks, at))) {
    ctx.logger.warn({ accountId }, 'sales changed in МойСклад while no webhook reached us: polling every type until deliveries resume');
    checks = checks.map((check) => ({ ...check, pollReason: check.pollReason ?? 'failing', pollIntervalMs: pollIntervalMs(check.entityType, engine.deps.options) }));
  }

  const mode: SyncMode = checks.some((check) => check.pollReason !== null) ? 'polling' : 'webhooks';
  await startPolling(engine, accountId, checks, at);
  await engine.deps.realtime.record(accountId, checks, at);
  await engine.deps.state.markWebhooksChecked(accountId, mode, at);
  return { mode, checks };
}

/** Per type: how many of its webhooks exist now, how many this check restored, and why it must be polled (if so). */
function summarize(result: EnsureWebhooksResult, restoring: boolean, intervals: { salePollMs: number; otherPollMs: number }): RealtimeCheck[] {
  const count = (hooks: readonly { entityType: string }[], type: string) => hooks.filter((hook) => hook.entityType === type).length;
  return MOYSKLAD_SYNCED_TYPES.map((entityType) => {
    const present = count(result.kept, entityType) + count(result.created, entityType) + count(result.enabled, entityType);
    const refused = result.refused.filter((item) => item.spec.entityType === entityType);
    // Without a webhook for each action some changes of the type would only show at the next reconciliation.
    const pollReason: PollReason | null = refused.some((item) => item.code === WEBHOOK_LIMIT_CODE) ? 'limit' : refused.length > 0 || present < WEBHOOK_ACTIONS.length ? 'failing' : null;
    return {
      entityType,
      expected: WEBHOOK_ACTIONS.length,
      present,
      restored: restoring ? count(result.created, entityType) + count(result.enabled, entityType) : 0,
      pollReason,
      pollIntervalMs: pollReason === null ? null : pollIntervalMs(entityType, intervals),
    };
  });
}

/**
 * One request: did a sale change, at least `deliveryGraceMs` (DELIVERY_GRACE_MS) after the last webhook arrived (or after connect) and at
 * least that long ago? Then its webhook should have arrived and did not. We never write sales, so every sale change
 * has a webhook (our own writes are the ones МойСклад does not announce, X-Lognex-WebHook-DisableByPrefix). Not asked
 * while sales are polled anyway, or when this check just restored their webhooks (missing ones explain the silence).
 */
async function deliveriesFail(engine: SyncEngine, ctx: RuleContext, checks: readonly RealtimeCheck[], now: number): Promise<boolean> {
  const sales = checks.find((check) => check.entityType === 'retaildemand');
  if (!sales || sales.pollReason !== null || sales.restored > 0) return false;
  const state = await engine.deps.state.get(ctx.accountId);
  const grace = engine.deps.options.deliveryGraceMs;
  const from = Math.max(state.lastEventAt ?? 0, state.connectedAt ?? 0) + grace;
  const to = now - grace;
  if (from >= to) return false;
  return (await ctx.ms.retail.countRetailDemandsUpdated(new Date(from), new Date(to))) > 0;
}

/**
 * A type that becomes polled is read from this check on (the stream's overlap re-reads a few seconds before), not
 * from the beginning of its collection: what changed earlier is read by the import (at connect) or by the
 * reconciliation pass that runs right after this check.
 */
async function startPolling(engine: SyncEngine, accountId: number, checks: readonly RealtimeCheck[], at: number): Promise<void> {
  const before = new Set((await engine.deps.realtime.list(accountId)).filter((row) => row.pollReason !== null).map((row) => row.entityType));
  for (const check of checks) {
    if (check.pollReason === null || before.has(check.entityType)) continue;
    await engine.deps.streams.save(accountId, pollStream(check.entityType as SyncedType), { ...EMPTY_POSITION, updated: toMoscowString(new Date(at)), id: '' });
  }
}

/** The keyset position of a polled type (proxy/sync/poller.ts). */
export const pollStream = (type: SyncedType) => `poll.${type}`;
