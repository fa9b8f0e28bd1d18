import type { CardView } from '../api/types.js';
import { useWidgetEnv } from '../lib/env.js';
import { useLiveCard } from '../lib/use-live-card.js';
import { BonusForm } from './BonusForm.js';
import { BonusHistory } from './BonusHistory.js';
import { CardSkeleton } from './CardSkeleton.js';
import { CardSummary } from './CardSummary.js';
import { ErrorNotice } from './ErrorNotice.js';
import { NotConnected } from './NotConnected.js';
import { PurchaseHistory } from './PurchaseHistory.js';
import { ReferralLink } from './ReferralLink.js';

type Props = { amoCustomerId: number };

/** The right-panel block of a customer card (location `cucard-1`), kept current while it is open. */
export function CardPanel({ amoCustomerId }: Props) {
  const { t } = useWidgetEnv();
  const { state, refresh, setPoints } = useLiveCard(amoCustomerId);

  return (
    <div class="msk-widget__card">
      {state.state === 'loading' && <CardSkeleton />}
      {state.state === 'error' && <ErrorNotice error={state.error} onRetry={() => refresh()} />}
      {state.state === 'ready' && state.data.kind === 'not_connected' && <NotConnected reason={state.data.reason} />}
      {state.state === 'ready' && state.data.kind === 'not_linked' && (
        <p class="msk-widget__notice" role="status">
          {t('card.not_linked')}
        </p>
      )}
      {state.state === 'ready' && state.data.kind === 'card' && (
        <LinkedCard
          card={state.data.card}
          onBalance={(points) => {
            setPoints(points);
            refresh({ quiet: true });
          }}
        />
      )}
    </div>
  );
}

function LinkedCard({ card, onBalance }: { card: CardView; onBalance: (points: number) => void }) {
  const id = card.customer.amoCustomerId;
  return (
    <>
      <CardSummary card={card} />
      <BonusForm card={card} onBalance={onBalance} />
      {card.referralLink && <ReferralLink link={card.referralLink} />}
      <BonusHistory amoCustomerId={id} firstPage={card.operations} firstCursor={card.operationsCursor} />
      <PurchaseHistory amoCustomerId={id} firstPage={card.purchases} firstCursor={card.nextCursor} />
    </>
  );
}
