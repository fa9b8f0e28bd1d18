import { useCallback } from 'preact/hooks';
import type { CardView, WidgetStatus } from '../api/types.js';
import { errorCode } from '../lib/describe-error.js';
import { useWidgetEnv } from '../lib/env.js';
import { useLoad } from '../lib/use-load.js';
import { BonusForm } from './BonusForm.js';
import { CardSkeleton } from './CardSkeleton.js';
import { CardSummary } from './CardSummary.js';
import { ErrorNotice } from './ErrorNotice.js';
import { NotConnected } from './NotConnected.js';
import { PurchaseHistory } from './PurchaseHistory.js';
import { ReferralLink } from './ReferralLink.js';

type Props = { amoCustomerId: number };

type CardOutcome =
  | { kind: 'card'; card: CardView }
  | { kind: 'not_connected'; reason: 'not_connected' | 'needs_reauth' }
  | { kind: 'not_linked' };

/** The right-panel block of a customer card (location `cucard-1`). */
export function CardPanel({ amoCustomerId }: Props) {
  const { api, t } = useWidgetEnv();

  const load = useCallback(async (): Promise<CardOutcome> => {
    const status: WidgetStatus = await api.getStatus();
    if (!status.connected || status.moysklad.state !== 'connected') {
      return { kind: 'not_connected', reason: status.moysklad.state === 'needs_reauth' ? 'needs_reauth' : 'not_connected' };
    }
    try {
      return { kind: 'card', card: await api.getCard(amoCustomerId) };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'customer_not_linked') return { kind: 'not_linked' };
      // The contract lists no codes for a connection lost between the two calls; these names are
      // our guess (unconfirmed), and anything else falls through to the generic error view.
      if (code === 'moysklad_needs_reauth' || code === 'needs_reauth') return { kind: 'not_connected', reason: 'needs_reauth' };
      if (code === 'moysklad_not_connected' || code === 'not_connected') return { kind: 'not_connected', reason: 'not_connected' };
      throw error;
    }
  }, [api, amoCustomerId]);

  const [result, reload, replace] = useLoad(load);

  return (
    <div class="msk-widget__card">
      {result.state === 'loading' && <CardSkeleton />}
      {result.state === 'error' && <ErrorNotice error={result.error} onRetry={reload} />}
      {result.state === 'ready' && result.data.kind === 'not_connected' && <NotConnected reason={result.data.reason} />}
      {result.state === 'ready' && result.data.kind === 'not_linked' && (
        <p class="msk-widget__notice" role="status">
          {t('card.not_linked')}
        </p>
      )}
      {result.state === 'ready' && result.data.kind === 'card' && (
        <LinkedCard
          card={result.data.card}
          onBalance={(points) => {
            if (result.data.kind === 'card') replace({ kind: 'card', card: { ...result.data.card, points } });
          }}
        />
      )}
    </div>
  );
}

function LinkedCard({ card, onBalance }: { card: CardView; onBalance: (points: number) => void }) {
  return (
    <>
      <CardSummary card={card} />
      <BonusForm card={card} onBalance={onBalance} />
      {card.referralLink && <ReferralLink link={card.referralLink} />}
      <PurchaseHistory
        amoCustomerId={card.customer.amoCustomerId}
        firstPage={card.purchases}
        firstCursor={card.nextCursor}
      />
    </>
  );
}
