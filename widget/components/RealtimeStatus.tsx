import type { PollReason, RealtimeStatus as Realtime } from '../api/types.js';
import { useWidgetEnv } from '../lib/env.js';
import { ShopDateTime } from './ShopDateTime.js';

type Props = { realtime: Realtime };

const REASONS: readonly PollReason[] = ['limit', 'tariff', 'no_rights', 'failing'];

/**
 * How changes reach the integration, as the proxy last verified it: our МойСклад webhooks (how many exist, when they
 * were checked, when an event last arrived). Rows of the sync panel's facts list.
 */
export function RealtimeFacts({ realtime }: Props) {
  const { t } = useWidgetEnv();
  const { webhooks, polled } = realtime;
  const counts = { present: webhooks.present, expected: webhooks.expected };
  const mode = polled.length > 0 ? t('realtime.polling') : realtime.checkedAt === null ? t('realtime.not_checked') : t('realtime.webhooks', counts);
  return (
    <>
      <dt>{t('advanced_page.mode')}</dt>
      <dd data-testid="realtime-mode">
        {mode}
        {polled.length > 0 && webhooks.present > 0 && `; ${t('realtime.webhooks', counts)}`}
      </dd>
      <dt>{t('realtime.checked_at')}</dt>
      <dd>
        {realtime.checkedAt ? <ShopDateTime iso={realtime.checkedAt} /> : t('advanced_page.never')}
        {webhooks.restored > 0 && ` — ${t('realtime.restored', { count: webhooks.restored })}`}
      </dd>
      <dt>{t('realtime.last_event')}</dt>
      <dd>{realtime.lastEventAt ? <ShopDateTime iso={realtime.lastEventAt} /> : t('advanced_page.never')}</dd>
    </>
  );
}

/** The types polled instead of pushed: why (grouped by reason) and how often. Nothing while webhooks deliver all. */
export function PolledTypes({ realtime }: Props) {
  const { t } = useWidgetEnv();
  const { polled } = realtime;
  if (polled.length === 0) return null;
  return (
    <div class="msk-widget__polled" data-testid="realtime-polled">
      <h4 class="msk-widget__subheading">{t('realtime.polled_title')}</h4>
      {REASONS.filter((reason) => polled.some((row) => row.reason === reason)).map((reason) => (
        <p key={reason} class="msk-widget__hint">
          {t(`realtime.reason_${reason}`)}{' '}
          {polled
            .filter((row) => row.reason === reason)
            .map((row) => t('realtime.every', { type: t(`realtime.type_${row.entityType}`), seconds: row.everySeconds }))
            .join(', ')}
        </p>
      ))}
    </div>
  );
}
