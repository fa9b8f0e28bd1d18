import { useEffect, useRef, useState } from 'preact/hooks';
import type { Purchase } from '../api/types.js';
import { formatInteger, formatQuantity, formatRoubles } from '../lib/format.js';
import { useWidgetEnv } from '../lib/env.js';
import { usePagedList } from '../lib/use-paged-list.js';
import { ErrorNotice } from './ErrorNotice.js';
import { MoreButton } from './MoreButton.js';
import { ShopDateTime } from './ShopDateTime.js';

type Props = { amoCustomerId: number; firstPage: Purchase[]; firstCursor: string | null };

const PAGE_SIZE = 10;

/** Purchases newest first, with items, sum and points; "more" loads the next page by cursor. */
export function PurchaseHistory({ amoCustomerId, firstPage, firstCursor }: Props) {
  const { t, api, intlLocale } = useWidgetEnv();
  const list = usePagedList(firstPage, firstCursor, (cursor) => api.getPurchases(amoCustomerId, cursor, PAGE_SIZE));
  // The first purchase of the page just loaded: it takes the focus, as the "more" button may be gone.
  const [focusId, setFocusId] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (focusId) listRef.current?.querySelector<HTMLElement>(`[data-purchase-id="${CSS.escape(focusId)}"]`)?.focus();
  }, [focusId]);

  return (
    <section class="msk-widget__section" aria-labelledby="msk-history-title">
      <h3 class="msk-widget__heading" id="msk-history-title">
        {t('history.title')}
      </h3>
      {list.items.length === 0 && <p class="msk-widget__hint">{t('history.empty')}</p>}
      <ul ref={listRef} class="msk-widget__purchases">
        {list.items.map((purchase) => (
          <li key={purchase.id} class="msk-widget__purchase" data-purchase-id={purchase.id} tabIndex={-1}>
            <div class="msk-widget__purchase-head">
              <span>{t('history.number', { number: purchase.number })}</span>
              <ShopDateTime iso={purchase.moment} />
            </div>
            <div class="msk-widget__purchase-sum">
              {formatRoubles(purchase.sumKopecks, intlLocale)}
              {purchase.returned && <span class="msk-widget__badge">{t('history.returned')}</span>}
            </div>
            <ul class="msk-widget__items">
              {purchase.items.map((item, index) => (
                <li key={index}>
                  {item.name} × {formatQuantity(item.quantity, intlLocale)} —{' '}
                  {formatRoubles(item.priceKopecks, intlLocale)}
                </li>
              ))}
            </ul>
            <div class="msk-widget__purchase-points">
              {purchase.pointsEarned > 0 && (
                <span>{t('history.earned', { points: formatInteger(purchase.pointsEarned, intlLocale) })}</span>
              )}
              {purchase.pointsSpent > 0 && (
                <span>{t('history.spent', { points: formatInteger(purchase.pointsSpent, intlLocale) })}</span>
              )}
            </div>
          </li>
        ))}
      </ul>
      {list.action.error !== null && <ErrorNotice error={list.action.error} />}
      {list.cursor && <MoreButton busy={list.action.busy} onClick={async () => setFocusId((await list.more())?.id ?? null)} />}
    </section>
  );
}
