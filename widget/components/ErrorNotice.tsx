import { describeError } from '../lib/describe-error.js';
import { useWidgetEnv } from '../lib/env.js';

type Props = { error: unknown; onRetry?: () => void };

/** A failure with its cause and our support contact (moderation rule: never leave the user stuck). */
export function ErrorNotice({ error, onRetry }: Props) {
  const { t } = useWidgetEnv();
  const email = t('common.support_email');
  return (
    <div class="msk-widget__error" role="alert">
      <p class="msk-widget__error-text">{describeError(t, error)}</p>
      <p class="msk-widget__support">
        {t('common.support_prefix')}{' '}
        <a href={`mailto:${email}`}>{email}</a>
        {', '}
        <a href={t('common.support_link')} target="_blank" rel="noopener noreferrer">
          {t('common.support_link').replace(/^https?:\/\//, '')}
        </a>
      </p>
      {onRetry && (
        <button type="button" class="msk-widget__button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
