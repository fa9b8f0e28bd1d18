import { useEffect, useRef, useState } from 'preact/hooks';
import type { Purchase } from '../api/types.js';
import { formatInteger, formatQuantity, formatRoubles } from '../lib/format.js';
import { useWidgetEnv } from '../lib/env.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ShopDateTime } from './ShopDateTime.js';

type Props = { amoCustomerId: number; firstPage: Purchase[]; firstCursor: string | null };

const PAGE_SIZE = 10;

/** Purchases newest first, with items, sum and points; "more" loads the next page by cursor. */
export function PurchaseHistory({ amoCustomerId, firstPage, firstCursor }: Props) {
  const { t, api, intlLocale } = useWidgetEnv();
  const [purchases, setPurchases] = useState(firstPage);
  const [cursor, setCursor] = useState(firstCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The first purchase of the page just loaded: it takes the focus, as the "more" button may be gone.
  const [focusId, setFocusId] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (focusId) listRef.current?.querySelector<HTMLElement>(`[data-purchase-id="${CSS.escape(focusId)}"]`)?.focus();
  }, [focusId]);

  const loadMore = async () => {
    if (!cursor || loading) return;
    setLoading(true);
    setError(null);
    try {
      const page = await api.getPurchases(amoCustomerId, cursor, PAGE_SIZE);
      // A purchase may shift between pages if a new one arrives meanwhile: keep ids unique.
      const fresh = page.items.filter((item) => !purchases.some((known) => known.id === item.id));
      setPurchases([...purchases, ...fresh]);
      setFocusId(fresh[0]?.id ?? null);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };

  return (
    <section class="msk-widget__section" aria-labelledby="msk-history-title">
      <h3 class="msk-widget__heading" id="msk-history-title">
        {t('history.title')}
      </h3>
      {purchases.length === 0 && <p class="msk-widget__hint">{t('history.empty')}</p>}
      <ul ref={listRef} class="msk-widget__purchases">
        {purchases.map((purchase) => (
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
      {error !== null && <ErrorNotice error={error} />}
      {cursor && (
        <button type="button" class="msk-widget__button" onClick={loadMore} disabled={loading} aria-busy={loading}>
          {loading ? t('common.loading') : t('history.more')}
        </button>
      )}
    </section>
  );
}
