import { useWidgetEnv } from '../lib/env.js';

type Props = { reason: 'not_connected' | 'needs_reauth' };

/** The account has no working МойСклад connection: point the user to the widget settings. */
export function NotConnected({ reason }: Props) {
  const { t, openSettings } = useWidgetEnv();
  return (
    <div class="msk-widget__notice" role="status">
      <p>{t(reason === 'needs_reauth' ? 'card.needs_reauth' : 'card.not_connected')}</p>
      {openSettings ? (
        <button type="button" class="msk-widget__button" onClick={openSettings}>
          {t('common.open_settings')}
        </button>
      ) : (
        <a class="msk-widget__link" href="/settings/widgets/">
          {t('common.settings_hint')}
        </a>
      )}
    </div>
  );
}
