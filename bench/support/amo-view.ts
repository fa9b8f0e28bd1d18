import type { AmoCrmEmulator } from '../../sandbox/amocrm/emulator.js';
import type { RunningProxy } from '../../proxy/server.js';
import { SUBDOMAIN } from './stack.js';

/** What an amoCRM user sees, read from the emulator's store (never through the proxy). */

export function pointsField(amo: AmoCrmEmulator, customerId: number): number | null {
  const customer = amo.store.customer(SUBDOMAIN, customerId) as { custom_fields_values?: Array<{ field_code?: string; values?: Array<{ value?: unknown }> }> | null } | null;
  const field = customer?.custom_fields_values?.find((f) => f.field_code === 'BONUS_POINTS');
  const value = field?.values?.[0]?.value;
  return value === undefined || value === null ? null : Number(value);
}

export function noteWithMarker(amo: AmoCrmEmulator, customerId: number, moyskladId: string): boolean {
  const marker = `МойСклад: ${moyskladId}`;
  return amo.store.notes(SUBDOMAIN, customerId).some((note) => JSON.stringify(note).includes(marker));
}

/** amoCRM customer linked to a МойСклад counterparty, from the proxy's links table. */
export async function linkedCustomer(proxy: RunningProxy, accountId: number, counterpartyId: string): Promise<number | null> {
  const row = await proxy.context.database.db
    .selectFrom('links')
    .select('amo_id')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'counterparty')
    .where('moysklad_id', '=', counterpartyId)
    .executeTakeFirst();
  return row ? Number(row.amo_id) : null;
}
