import type { CardView } from '../api/types.js';
import { formatInteger, formatRoubles } from '../lib/format.js';
import { useWidgetEnv } from '../lib/env.js';

type Props = { card: CardView };

/** Bonus card number, balance and purchase totals. */
export function CardSummary({ card }: Props) {
  const { t, intlLocale } = useWidgetEnv();
  return (
    <div class="msk-widget__summary">
      <dl class="msk-widget__facts">
        <dt>{t('card.bonus_card')}</dt>
        <dd>{card.bonusCard ?? t('card.no_bonus_card')}</dd>
        <dt>{t('card.points')}</dt>
        <dd class="msk-widget__points" data-testid="points">
          {formatInteger(card.points, intlLocale)}
        </dd>
        <dt>{t('card.purchase_total')}</dt>
        <dd>{formatRoubles(card.purchaseTotalKopecks, intlLocale)}</dd>
        <dt>{t('card.purchase_count')}</dt>
        <dd>{formatInteger(card.purchaseCount, intlLocale)}</dd>
        {card.program && (
          <>
            <dt>{t('card.program')}</dt>
            <dd>{card.program.name}</dd>
          </>
        )}
      </dl>
      {card.program && !card.program.active && <p class="msk-widget__hint">{t('card.program_inactive')}</p>}
    </div>
  );
}
