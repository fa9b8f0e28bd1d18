import { syncBlocker } from '../account-readiness.js';
import { AmoError } from '../amocrm/errors.js';
import { AccountSyncRepository } from '../db/repositories/account-sync.js';
import { PermanentJobError } from '../queue/worker.js';
import { discoverProductsCatalog, rememberCatalog } from './amo-catalog.js';
import type { SyncEngine } from './engine.js';
import { accountLifecycleJob, SYNC_JOBS } from './jobs.js';
import { BONUS_CARD_FIELD_CODE, BONUS_POINTS_FIELD_CODE, MOYSKLAD_ID_FIELD_CODE } from './mapping/buyer.js';
import { checkWebhooks } from './realtime.js';
import type { RuleContext } from './rule-context.js';

/**
 * The amoCRM events our amoCRM webhook URL is subscribed to: `update_customer`, so a hand edit of the points or card
 * field is put back from МойСклад (documented: https://www.amocrm.ru/developers/content/crm_platform/webhooks-api,
 * «Возможные события»). amoCRM documents no event for catalog elements: the catalog sweep finds deletions there.
 */
const AMO_WEBHOOK_EVENTS = ['update_customer'] as const;

/** Parked jobs that a (re)connect makes runnable again: they waited for exactly this. */
const RESUMED_HINTS = ['reconnect_moysklad', 'reinstall_widget'] as const;

/**
 * Connects an account once both sides are authorised, and again whenever the connection changed since
 * (`account_sync.connect_requested_at`: МойСклад connected again, the widget reinstalled — both rotate the webhook
 * secrets, so the URLs МойСклад and amoCRM hold are dead). Each run:
 * - amoCRM: customers in segment mode, our customer fields, the products catalog (idempotent: unchanged on a rerun);
 * - МойСклад: our webhooks at the current URL, ours under an old URL deleted, refusals recorded as polled types;
 * - amoCRM: our webhook subscribed at the current URL, ours under an old URL unsubscribed;
 * - the initial import, unless it is done: a reconnect keeps the import state, links and read model (the same shop)
 *   and runs a reconciliation pass instead, for what changed while no webhook could reach us;
 * - jobs parked while the account waited for a reconnect or a reinstall are queued again.
 * A run that finds connect already done for the latest request (a second copy queued meanwhile) does nothing.
 */
export async function connectAccount(engine: SyncEngine, accountId: number): Promise<void> {
  const before = await engine.deps.state.get(accountId);
  if (!AccountSyncRepository.connectDue(before)) return;
  // Asked for before both sides are authorised (a first install, a reinstall before МойСклад is connected again): the
  // scheduler queues connect once they are, so this copy has nothing to do and parks nothing.
  if (syncBlocker(await engine.deps.accounts.find(accountId)) !== null) return;
  // A request made while this run works is later than this: the next scheduler tick runs connect again.
  const startedAt = Date.now();
  const ctx = await engine.context(accountId, { lane: 'bulk' });
  await rememberMoySkladAccountId(engine, accountId);
  await prepareAmo(ctx);

  const catalog = await discoverProductsCatalog(ctx.amo);
  await rememberCatalog(ctx, catalog);
  if (!catalog) ctx.logger.warn({ accountId }, 'amoCRM products catalog is switched off: products and purchase items are not synced');

  const webhooks = await checkWebhooks(engine, ctx, 'connect');
  const mode = webhooks?.mode ?? 'polling';
  const reconnect = before.connectedAt !== null;
  await registerAmoWebhooks(engine, ctx, { dropStale: reconnect });

  await engine.deps.operationLog.append({ accountId, userId: null, kind: reconnect ? 'sync.reconnected' : 'sync.connected', details: { mode, productsCatalog: catalog?.catalogId ?? null } });
  await engine.deps.state.markConnected(accountId, mode, startedAt);
  if (before.import.state !== 'done') {
    await engine.deps.queue.enqueue(accountLifecycleJob(SYNC_JOBS.initialImport, accountId, { withSales: engine.deps.options.importPastSales }));
  } else {
    // Reconnected: what changed while no webhook could reach us is read now, not at the next scheduled pass.
    await engine.deps.queue.enqueue(accountLifecycleJob(SYNC_JOBS.reconcile, accountId));
  }
  const resumed = await engine.deps.queue.resumeParked(accountId, RESUMED_HINTS);
  if (resumed > 0) ctx.logger.info({ accountId, resumed }, 'jobs parked until the connection was restored are queued again');
}

async function prepareAmo(ctx: RuleContext): Promise<void> {
  const { amo } = ctx;
  const account = await amo.account.get();
  if (account.customers_mode !== 'segments') {
    try {
      await amo.customers.setMode('segments', true);
    } catch (error) {
      if (error instanceof AmoError && error.status !== undefined && error.status >= 400 && error.status < 500) {
        // 402: the tariff has no customers; 403: the installing user is no admin. Nothing a retry can change.
        throw new PermanentJobError(
          `amoCRM: the Customers section must be in segment mode (now "${account.customers_mode}"), and switching it failed with HTTP ${error.status}. ` +
            'An account admin must enable Customers → dynamic segmentation (tariff «Расширенный» or «Профессиональный»), then retry.',
          { cause: error },
        );
      }
      throw error;
    }
  }
  await amo.customers.ensureCustomFields([
    { name: 'Бонусная карта', type: 'text', code: BONUS_CARD_FIELD_CODE, sort: 500 },
    { name: 'Бонусные баллы', type: 'numeric', code: BONUS_POINTS_FIELD_CODE, sort: 510 },
    { name: 'ID в МойСклад', type: 'text', code: MOYSKLAD_ID_FIELD_CODE, sort: 520 },
  ]);
}

/**
 * The МойСклад account id lets the webhook route drop events of another МойСклад account (a URL pasted elsewhere):
 * the connection route may not have stored it, so connect learns it from the employee context.
 */
async function rememberMoySkladAccountId(engine: SyncEngine, accountId: number): Promise<void> {
  const { accounts, clients } = engine.deps;
  const account = await accounts.find(accountId);
  if (!account || account.moyskladAccountId || !account.moyskladLogin) return;
  const token = await accounts.moyskladToken(accountId);
  if (!token) return;
  const employee = await (await clients.moysklad(accountId)).employeeContext();
  if (employee.accountId) await accounts.saveMoySkladConnection(accountId, account.moyskladLogin, token, employee.accountId);
}

/**
 * Subscribes the current amoCRM webhook URL to `update_customer` (a repeated subscribe updates the same hook): our
 * bonus fields edited by hand in amoCRM are put back (proxy/sync/rules/customer-fields.ts). On a reconnect, ours under
 * an old secret are unsubscribed: they would only collect refusals (amoCRM disables a hook after 100 failed deliveries
 * in 2 hours).
 * A refusal (no rights, tariff) is logged and connect goes on: the fields are then only corrected by our next write.
 */
async function registerAmoWebhooks(engine: SyncEngine, ctx: RuleContext, options: { dropStale: boolean }): Promise<void> {
  const { accountId } = ctx;
  const url = await engine.amoWebhookUrl(accountId);
  const ours = `${engine.deps.options.publicUrl}/webhooks/amocrm/${accountId}/`;
  try {
    await ctx.amo.account.subscribeWebhook(url, AMO_WEBHOOK_EVENTS);
    // Only a reconnect can leave ours under an old secret: the first connect spends no listing on it.
    if (!options.dropStale) return;
    for (const hook of await ctx.amo.account.listWebhooks()) {
      if (hook.destination.startsWith(ours) && hook.destination !== url) await ctx.amo.account.unsubscribeWebhook(hook.destination);
    }
  } catch (error) {
    if (!(error instanceof AmoError) || error.status === undefined || error.status >= 500) throw error;
    ctx.logger.warn({ accountId, status: error.status }, 'amoCRM refused the customer webhook; hand edits of the bonus fields are corrected by our next write only');
  }
}
