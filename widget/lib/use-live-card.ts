import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { PROBLEM_CODES } from '../api/problem-codes.js';
import type { CardView } from '../api/types.js';
import { errorCode } from './describe-error.js';
import { useWidgetEnv } from './env.js';
import type { LoadState } from './use-load.js';

/**
 * How often an open, visible card asks whether it changed. Each ask is one conditional GET that the proxy answers
 * 304 without a body unless something on the card changed (README, "A card that is never stale").
 */
export const CARD_POLL_MS = 30_000;

export type CardOutcome =
  | { kind: 'card'; card: CardView }
  | { kind: 'not_connected'; reason: 'not_connected' | 'needs_reauth' }
  | { kind: 'not_linked' };

export type LiveCard = {
  state: LoadState<CardOutcome>;
  /** Asks again now; `quiet` keeps the card on screen meanwhile (and on a failed ask). */
  refresh(options?: { quiet?: boolean }): void;
  /** Shows a balance the proxy just told us (after an operation or a refusal) before the refreshed card arrives. */
  setPoints(points: number): void;
};

/**
 * The card of one customer, kept current: one request on open (it also answers the connection state), again when
 * the page becomes visible, after every operation (`refresh`), and every CARD_POLL_MS while the page is visible.
 */
export function useLiveCard(amoCustomerId: number): LiveCard {
  const { api } = useWidgetEnv();
  const [state, setState] = useState<LoadState<CardOutcome>>({ state: 'loading' });
  const etag = useRef<string | null>(null);
  const runId = useRef(0);
  // Only a shown card is polled: a customer who is not from МойСклад stays so, and a connection comes back with a
  // visit (visibility change) rather than a timer.
  const showsCard = useRef(false);
  showsCard.current = state.state === 'ready' && state.data.kind === 'card';

  const refresh = useCallback(
    (options?: { quiet?: boolean }) => {
      const id = ++runId.current;
      const quiet = options?.quiet === true;
      if (!quiet) setState({ state: 'loading' });
      api.getCard(amoCustomerId, quiet ? etag.current : null).then(
        (answer) => {
          if (id !== runId.current || answer.notModified) return;
          etag.current = answer.etag;
          setState({ state: 'ready', data: { kind: 'card', card: answer.data } });
        },
        (error: unknown) => {
          if (id !== runId.current) return;
          etag.current = null;
          const outcome = outcomeOf(error);
          if (outcome) setState({ state: 'ready', data: outcome });
          // A failed background ask leaves the card as it was; the next ask may succeed.
          else if (!quiet) setState({ state: 'error', error });
        },
      );
    },
    [api, amoCustomerId],
  );

  useEffect(() => {
    refresh();
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh({ quiet: true });
    };
    const timer = setInterval(() => {
      if (showsCard.current) onVisible();
    }, CARD_POLL_MS);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      runId.current += 1;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  const setPoints = useCallback((points: number) => {
    setState((current) =>
      current.state === 'ready' && current.data.kind === 'card' ? { state: 'ready', data: { kind: 'card', card: { ...current.data.card, points } } } : current,
    );
  }, []);

  return { state, refresh, setPoints };
}

/** The answers that are a state of the card, not a failure. */
function outcomeOf(error: unknown): CardOutcome | null {
  const code = errorCode(error);
  if (code === PROBLEM_CODES.customerNotLinked) return { kind: 'not_linked' };
  if (code === PROBLEM_CODES.needsReauth) return { kind: 'not_connected', reason: 'needs_reauth' };
  if (code === PROBLEM_CODES.notConnected) return { kind: 'not_connected', reason: 'not_connected' };
  return null;
}
