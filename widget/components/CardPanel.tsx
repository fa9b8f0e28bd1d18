import { useCallback } from 'preact/hooks';
import { PROBLEM_CODES } from '../api/problem-codes.js';
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
      if (code === PROBLEM_CODES.customerNotLinked) return { kind: 'not_linked' };
      // The connection may be lost between the two calls; anything else is shown as an error.
      if (code === PROBLEM_CODES.needsReauth) return { kind: 'not_connected', reason: 'needs_reauth' };
      if (code === PROBLEM_CODES.notConnected) return { kind: 'not_connected', reason: 'not_connected' };
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
