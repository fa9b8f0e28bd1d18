import { useEffect, useReducer, useRef } from 'preact/hooks';
import { isWidgetApiError } from '../api/errors.js';
import type { CardView } from '../api/types.js';
import { checkBonusAmount } from '../lib/bonus-amount.js';
import { bonusFormReducer, initialBonusForm } from '../lib/bonus-form-state.js';
import { formatInteger } from '../lib/format.js';
import { newIdempotencyKey } from '../lib/idempotency-key.js';
import { useWidgetEnv } from '../lib/env.js';
import { ErrorNotice } from './ErrorNotice.js';
import { InputField } from './Field.js';

/** `onBalance`: the balance the proxy just told us (after the operation, or with a refusal): the card shows it and refreshes. */
type Props = { card: CardView; onBalance: (points: number) => void };

/** Manual accrue/redeem: fill in → confirm → send once; the new balance is announced. */
export function BonusForm({ card, onBalance }: Props) {
  const { t, api, intlLocale } = useWidgetEnv();
  const [state, dispatch] = useReducer(bonusFormReducer, initialBonusForm);
  const { draft } = state;
  const sectionRef = useRef<HTMLElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const previousStep = useRef(state.step);
  const points = (value: number) => formatInteger(value, intlLocale);

  // Each step replaces the other and a sending button is disabled, so the focus would fall to the page:
  // keyboard users land on the confirm (or retry) button, and back on the amount when the step closes.
  useEffect(() => {
    if (state.step === 'confirming') confirmRef.current?.focus();
    else if (state.step === 'editing' && previousStep.current !== 'editing') sectionRef.current?.querySelector<HTMLInputElement>('#msk-bonus-amount')?.focus();
    previousStep.current = state.step;
  }, [state.step]);

  // The request leaves once per entry into `sending`; an answer after unmount is dropped.
  const attempt = state.step === 'sending' ? state.attempt : null;
  useEffect(() => {
    if (!attempt) return;
    let live = true;
    api.changeBonus(card.customer.amoCustomerId, attempt.request, attempt.key).then(
      (result) => {
        if (!live) return;
        onBalance(result.points);
        dispatch({ type: 'sent', message: t('bonus.success', { points: points(result.points) }) });
      },
      (error: unknown) => {
        if (!live) return;
        // The balance changed since the card was drawn (a till sale): say it and show it, no retry, no support.
        const balance = isWidgetApiError(error) && error.code === 'bonus_insufficient_points' ? error.problem.balance : undefined;
        if (typeof balance === 'number') {
          onBalance(balance);
          dispatch({ type: 'refused', message: t('bonus.insufficient', { points: points(balance) }) });
        } else dispatch({ type: 'failed', error });
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const toConfirmation = (event: Event) => {
    event.preventDefault();
    const check = checkBonusAmount(draft.amount, draft.operation, card.bounds, card.points, intlLocale);
    if (!check.ok) {
      dispatch({
        type: 'invalid',
        message: check.reason === 'invalid' ? t('bonus.amount_invalid', { min: check.min, max: check.max }) : t('bonus.insufficient', { points: points(check.balance) }),
      });
      return;
    }
    const comment = draft.comment.trim();
    dispatch({ type: 'confirm', attempt: { request: { operation: draft.operation, amount: check.amount, ...(comment ? { comment } : {}) }, key: newIdempotencyKey() } });
  };

  const sending = state.step === 'sending';
  return (
    <section ref={sectionRef} class="msk-widget__section" aria-labelledby="msk-bonus-title">
      <h3 class="msk-widget__heading" id="msk-bonus-title">
        {t('bonus.title')}
      </h3>
      {state.step !== 'editing' ? (
        <div
          class="msk-widget__confirm"
          onKeyDown={(event) => {
            if (event.key === 'Escape') dispatch({ type: 'back' });
          }}
        >
          <p>
            {t(state.attempt.request.operation === 'accrue' ? 'bonus.confirm_accrue' : 'bonus.confirm_redeem', {
              amount: points(state.attempt.request.amount),
              name: card.customer.name,
            })}
          </p>
          {state.step === 'confirming' && state.error !== null && <ErrorNotice error={state.error} />}
          <div class="msk-widget__row">
            <button ref={confirmRef} type="button" class="msk-widget__button msk-widget__button--primary" onClick={() => dispatch({ type: 'send' })} disabled={sending}>
              {sending ? t('bonus.sending') : state.error !== null ? t('common.retry') : t('bonus.confirm')}
            </button>
            <button type="button" class="msk-widget__button" onClick={() => dispatch({ type: 'back' })} disabled={sending}>
              {t('common.back')}
            </button>
          </div>
        </div>
      ) : (
        <form class="msk-widget__form" onSubmit={toConfirmation} noValidate>
          <fieldset class="msk-widget__fieldset">
            <legend class="msk-widget__label">{t('bonus.operation')}</legend>
            {(['accrue', 'redeem'] as const).map((value) => (
              <label key={value} class="msk-widget__radio">
                <input
                  type="radio"
                  name="msk-bonus-operation"
                  value={value}
                  checked={draft.operation === value}
                  onChange={() => dispatch({ type: 'edit', patch: { operation: value } })}
                />
                {t(`bonus.${value}`)}
              </label>
            ))}
          </fieldset>
          <InputField
            id="msk-bonus-amount"
            label={t('bonus.amount')}
            type="text"
            inputMode="numeric"
            value={draft.amount}
            aria-invalid={state.invalid !== null}
            aria-describedby={state.invalid ? 'msk-bonus-validation' : undefined}
            onValue={(amount) => dispatch({ type: 'edit', patch: { amount } })}
          />
          <InputField
            id="msk-bonus-comment"
            label={t('bonus.comment')}
            type="text"
            maxLength={255}
            value={draft.comment}
            onValue={(comment) => dispatch({ type: 'edit', patch: { comment } })}
          />
          {state.invalid && (
            <p id="msk-bonus-validation" class="msk-widget__field-error" role="alert">
              {state.invalid}
            </p>
          )}
          <button type="submit" class="msk-widget__button msk-widget__button--primary">
            {t('bonus.continue')}
          </button>
        </form>
      )}
      <p class="msk-widget__result" aria-live="polite">
        {state.step === 'editing' ? (state.done ?? '') : ''}
      </p>
    </section>
  );
}
