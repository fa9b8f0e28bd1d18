import { useRef, useState } from 'preact/hooks';
import { useWidgetEnv } from '../lib/env.js';

type Props = { link: string };

/** The buyer's referral link, read-only, with a copy button and a spoken result. */
export function ReferralLink({ link }: Props) {
  const { t } = useWidgetEnv();
  const inputRef = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('Clipboard API unavailable');
      await navigator.clipboard.writeText(link);
      setResult('copied');
    } catch {
      // Clipboard access can be denied by the host page; leave the text selected for Ctrl+C.
      inputRef.current?.select();
      setResult('failed');
    }
  };

  return (
    <div class="msk-widget__section">
      <label class="msk-widget__label" for="msk-referral-link">
        {t('card.referral_link')}
      </label>
      <div class="msk-widget__row">
        <input
          ref={inputRef}
          id="msk-referral-link"
          class="msk-widget__input"
          type="text"
          readOnly
          value={link}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" class="msk-widget__button" onClick={copy}>
          {t('card.copy')}
        </button>
      </div>
      <p class="msk-widget__hint" aria-live="polite">
        {result === 'copied' ? t('card.copied') : result === 'failed' ? t('card.copy_failed') : ''}
      </p>
    </div>
  );
}
