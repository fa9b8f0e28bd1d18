import { AmoError } from '../amocrm/errors.js';
import { MoySkladError } from '../moysklad/errors.js';
import type { WebhookSpec } from '../moysklad/resources/webhooks.js';
import { PermanentJobError } from '../queue/worker.js';
import { discoverProductsCatalog, rememberCatalog } from './amo-catalog.js';
import type { SyncEngine } from './engine.js';
import { accountLifecycleJob, SYNC_JOBS, type SyncedType } from './jobs.js';
import { BONUS_CARD_FIELD_CODE, BONUS_POINTS_FIELD_CODE, MOYSKLAD_ID_FIELD_CODE } from './mapping/buyer.js';

const WEBHOOK_TYPES: readonly SyncedType[] = ['counterparty', 'product', 'productfolder', 'retaildemand', 'retailsalesreturn', 'bonustransaction'];
const WEBHOOK_ACTIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;
/** МойСклад refuses webhooks on the free tariff (30006) and to non-admins (30004): we then poll instead. */
const WEBHOOKS_REFUSED = new Set([30004, 30006]);

/**
 * Connects an account once both sides are authorised: customers in segment mode, our two customer fields, the
 * products catalog, МойСклад webhooks (or polling), then the initial import. Every step is idempotent, so a
 * retried or repeated connect changes nothing that is already right.
 */
export async function connectAccount(engine: SyncEngine, accountId: number): Promise<void> {
  // A second connect queued while the first ran (several schedulers) has nothing left to do.
  if ((await engine.deps.state.get(accountId)).connectedAt !== null) return;
  const ctx = await engine.context(accountId, { lane: 'bulk' });
  const { amo, ms } = ctx;
  await rememberMoySkladAccountId(engine, accountId);

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

  const catalog = await discoverProductsCatalog(amo);
  await rememberCatalog(ctx, catalog);
  if (!catalog) ctx.logger.warn({ accountId }, 'amoCRM products catalog is switched off: products and purchase items are not synced');

  const mode = await registerMoySkladWebhooks(engine, accountId);
  await registerAmoWebhooks(engine, accountId);

  const ops = engine.deps.operationLog;
  await ops.append({ accountId, userId: null, kind: 'sync.connected', details: { mode, productsCatalog: catalog?.catalogId ?? null } });
  await engine.deps.state.markConnected(accountId, mode);
  await engine.deps.queue.enqueue(accountLifecycleJob(SYNC_JOBS.initialImport, accountId, { withSales: engine.deps.options.importPastSales }));

  async function registerMoySkladWebhooks(e: SyncEngine, id: number): Promise<'webhooks' | 'polling'> {
    const url = await e.moyskladWebhookUrl(id);
    const specs: WebhookSpec[] = WEBHOOK_TYPES.flatMap((entityType) => WEBHOOK_ACTIONS.map((action) => ({ url, entityType, action })));
    try {
      await ms.webhooks.ensure(specs, `${e.deps.options.publicUrl}/webhooks/moysklad/${id}/`);
      return 'webhooks';
    } catch (error) {
      if (error instanceof MoySkladError && error.code !== undefined && WEBHOOKS_REFUSED.has(error.code)) {
        ctx.logger.warn({ accountId: id, code: error.code }, 'МойСклад refused webhooks: falling back to frequent reconciliation');
        return 'polling';
      }
      throw error;
    }
  }
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
 * `update_customer` (crm_platform/webhooks-api lists it): our bonus fields edited by hand in amoCRM are put back
 * (proxy/sync/rules/customer-fields.ts). amoCRM documents no webhook for catalog elements: the catalog sweep finds
 * deletions. A refusal (no rights, tariff) is logged: the fields are then only corrected by our next write.
 */
async function registerAmoWebhooks(engine: SyncEngine, accountId: number): Promise<void> {
  const ctx = await engine.context(accountId, { lane: 'bulk' });
  try {
    await ctx.amo.account.subscribeWebhook(await engine.amoWebhookUrl(accountId), ['update_customer']);
  } catch (error) {
    if (!(error instanceof AmoError) || error.status === undefined || error.status >= 500) throw error;
    ctx.logger.warn({ accountId, status: error.status }, 'amoCRM refused the customer webhook; hand edits of the bonus fields are corrected by our next write only');
  }
}
