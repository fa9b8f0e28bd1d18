import { useEffect, useRef, useState } from 'preact/hooks';
import type { BonusOperation, BonusRequest, CardView } from '../api/types.js';
import { checkBonusAmount } from '../lib/bonus-amount.js';
import { formatInteger } from '../lib/format.js';
import { newIdempotencyKey } from '../lib/idempotency-key.js';
import { useWidgetEnv } from '../lib/env.js';
import { ErrorNotice } from './ErrorNotice.js';
import { InputField } from './Field.js';

type Props = { card: CardView; onBalance: (points: number) => void };

/** One confirmed operation: the key is made when the user reaches confirmation and reused on retry. */
type Attempt = { request: BonusRequest; key: string };

/** Manual accrue/redeem: fill in → confirm → send once; the new balance is announced. */
export function BonusForm({ card, onBalance }: Props) {
  const { t, api, intlLocale } = useWidgetEnv();
  const [operation, setOperation] = useState<BonusOperation>('accrue');
  const [amount, setAmount] = useState('');
  const [comment, setComment] = useState('');
  const [validation, setValidation] = useState<string | null>(null);
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [success, setSuccess] = useState<string | null>(null);
  // State updates are async: a second click in the same frame would still see `sending === false`.
  const inFlight = useRef(false);
  const sectionRef = useRef<HTMLElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // Each step replaces the other and a sending button is disabled, so the focus would fall to the page:
  // keyboard users land on the confirm (or retry) button, and back on the amount when the step closes.
  useEffect(() => {
    if (sending) return;
    if (attempt) confirmRef.current?.focus();
    else if (wasConfirming.current) sectionRef.current?.querySelector<HTMLInputElement>('#msk-bonus-amount')?.focus();
    wasConfirming.current = attempt !== null;
  }, [attempt, sending]);

  const toConfirmation = (event: Event) => {
    event.preventDefault();
    setSuccess(null);
    const check = checkBonusAmount(amount, operation, card.bounds, card.points);
    if (!check.ok) {
      setValidation(
        check.reason === 'invalid'
          ? t('bonus.amount_invalid', { min: check.min, max: check.max })
          : t('bonus.insufficient', { points: formatInteger(check.balance, intlLocale) }),
      );
      return;
    }
    setValidation(null);
    setError(null);
    const trimmed = comment.trim();
    const request: BonusRequest = { operation, amount: check.amount, ...(trimmed ? { comment: trimmed } : {}) };
    setAttempt({ request, key: newIdempotencyKey() });
  };

  const send = async () => {
    if (!attempt || inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    setError(null);
    try {
      const result = await api.changeBonus(card.customer.amoCustomerId, attempt.request, attempt.key);
      onBalance(result.points);
      setSuccess(t('bonus.success', { points: formatInteger(result.points, intlLocale) }));
      setAttempt(null);
      setAmount('');
      setComment('');
    } catch (caught) {
      setError(caught);
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  const back = () => {
    setAttempt(null);
    setError(null);
  };

  return (
    <section ref={sectionRef} class="msk-widget__section" aria-labelledby="msk-bonus-title">
      <h3 class="msk-widget__heading" id="msk-bonus-title">
        {t('bonus.title')}
      </h3>
      {attempt ? (
        <div
          class="msk-widget__confirm"
          onKeyDown={(event) => {
            if (event.key === 'Escape' && !sending) back();
          }}
        >
          <p>
            {t(attempt.request.operation === 'accrue' ? 'bonus.confirm_accrue' : 'bonus.confirm_redeem', {
              amount: formatInteger(attempt.request.amount, intlLocale),
              name: card.customer.name,
            })}
          </p>
          {error !== null && <ErrorNotice error={error} />}
          <div class="msk-widget__row">
            <button
              ref={confirmRef}
              type="button"
              class="msk-widget__button msk-widget__button--primary"
              onClick={send}
              disabled={sending}
            >
              {sending ? t('bonus.sending') : error !== null ? t('common.retry') : t('bonus.confirm')}
            </button>
            <button type="button" class="msk-widget__button" onClick={back} disabled={sending}>
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
                  checked={operation === value}
                  onChange={() => setOperation(value)}
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
            value={amount}
            aria-invalid={validation !== null}
            aria-describedby={validation ? 'msk-bonus-validation' : undefined}
            onValue={setAmount}
          />
          <InputField
            id="msk-bonus-comment"
            label={t('bonus.comment')}
            type="text"
            maxLength={255}
            value={comment}
            onValue={setComment}
          />
          {validation && (
            <p id="msk-bonus-validation" class="msk-widget__field-error" role="alert">
              {validation}
            </p>
          )}
          <button type="submit" class="msk-widget__button msk-widget__button--primary">
            {t('bonus.continue')}
          </button>
        </form>
      )}
      <p class="msk-widget__result" aria-live="polite">
        {success ?? ''}
      </p>
    </section>
  );
}
