import type { AccountState } from '../state/account-state.js';
import { unixNow, type ApiDeps } from './context.js';

/**
 * Deleting catalog elements, shared by the API and the "user deletes a product in the UI" helper. Elements are
 * soft-deleted (`is_deleted`, hidden from reads); links from customers are dropped. No webhook: amoCRM documents no
 * subscribable event for catalog elements (crm_platform/webhooks-api), so a client finds deletions by reading the list.
 */
export function deleteCatalogElements(deps: Pick<ApiDeps, 'nowMs'>, account: AccountState, ids: number[]): number[] {
  const deleted = ids.flatMap((id) => {
    const element = account.catalogElements.get(id);
    if (!element || element.is_deleted) return [];
    element.is_deleted = true;
    element.updated_at = unixNow(deps);
    return [element];
  });
  const gone = new Set(deleted.map((e) => e.id));
  account.links = account.links.filter((l) => !(l.to_entity_type === 'catalog_elements' && gone.has(l.to_entity_id)));
  return deleted.map((e) => e.id);
}
