import type { BonusOperationView } from '../api/types.js';
import { formatInteger } from '../lib/format.js';
import { useWidgetEnv } from '../lib/env.js';
import { usePagedList } from '../lib/use-paged-list.js';
import { ErrorNotice } from './ErrorNotice.js';
import { MoreButton } from './MoreButton.js';
import { ShopDateTime } from './ShopDateTime.js';

type Props = { amoCustomerId: number; firstPage: BonusOperationView[]; firstCursor: string | null };

const PAGE_SIZE = 10;

/** The buyer's bonus operations, newest first: when, earned or spent, how many, who, why, on which sale. */
export function BonusHistory({ amoCustomerId, firstPage, firstCursor }: Props) {
  const { t, api, intlLocale } = useWidgetEnv();
  const list = usePagedList(firstPage, firstCursor, (cursor) => api.getBonusOperations(amoCustomerId, cursor, PAGE_SIZE));
  const who = (operation: BonusOperationView) =>
    operation.author ? (operation.author.name ?? t('operations.by_user', { id: operation.author.amoUserId })) : t('operations.by_moysklad');

  return (
    <section class="msk-widget__section" aria-labelledby="msk-operations-title">
      <h3 class="msk-widget__heading" id="msk-operations-title">
        {t('operations.title')}
      </h3>
      {list.items.length === 0 && <p class="msk-widget__hint">{t('operations.empty')}</p>}
      <ul class="msk-widget__purchases">
        {list.items.map((operation) => (
          <li key={operation.id} class="msk-widget__purchase" data-operation-id={operation.id}>
            <div class="msk-widget__purchase-head">
              <strong class={`msk-widget__op msk-widget__op--${operation.kind}`}>
                {t(operation.kind === 'earned' ? 'history.earned' : 'history.spent', { points: formatInteger(operation.points, intlLocale) })}
              </strong>
              <ShopDateTime iso={operation.moment} />
            </div>
            <div class="msk-widget__hint">
              {[who(operation), operation.purchaseNumber && t('history.number', { number: operation.purchaseNumber })].filter(Boolean).join(' · ')}
              {operation.status !== 'completed' && <span class="msk-widget__badge">{t(`operations.${operation.status}`)}</span>}
            </div>
            {operation.comment && <div class="msk-widget__op-comment">{operation.comment}</div>}
          </li>
        ))}
      </ul>
      {list.action.error !== null && <ErrorNotice error={list.action.error} />}
      {list.cursor && <MoreButton busy={list.action.busy} onClick={() => void list.more()} />}
    </section>
  );
}
