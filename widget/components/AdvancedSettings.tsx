import { useCallback } from 'preact/hooks';
import { useWidgetEnv } from '../lib/env.js';
import { useLoad } from '../lib/use-load.js';
import { CardSkeleton } from './CardSkeleton.js';
import { ErrorNotice } from './ErrorNotice.js';
import { ReconnectForm } from './ReconnectForm.js';
import { ReferralSettingsForm } from './ReferralSettingsForm.js';
import { SyncStatusPanel } from './SyncStatusPanel.js';

/** The widget's own page under amoCRM Settings (location `advanced_settings`). */
export function AdvancedSettings() {
  const { api, t } = useWidgetEnv();
  const [status, reloadStatus] = useLoad(useCallback(() => api.getStatus(), [api]));
  const connected = status.state === 'ready' && status.data.moysklad.state === 'connected';

  return (
    <div class="msk-widget__page">
      <h2 class="msk-widget__title">{t('advanced.title')}</h2>
      {status.state === 'loading' && <CardSkeleton />}
      {status.state === 'error' && <ErrorNotice error={status.error} onRetry={reloadStatus} />}
      {status.state === 'ready' && (
        <>
          {connected && <ConnectedSections isAdmin={status.data.isAdmin} />}
          {status.data.isAdmin ? (
            <ReconnectForm status={status.data} onConnected={() => reloadStatus({ quiet: true })} />
          ) : (
            !connected && <p class="msk-widget__hint">{t('connection.admin_only')}</p>
          )}
        </>
      )}
    </div>
  );
}

function ConnectedSections({ isAdmin }: { isAdmin: boolean }) {
  const { api } = useWidgetEnv();
  const [settings, reloadSettings] = useLoad(useCallback(() => api.getSettings(), [api]));
  const [sync, reloadSync] = useLoad(useCallback(() => api.getSync(), [api]));
  return (
    <>
      {settings.state === 'loading' && <CardSkeleton />}
      {settings.state === 'error' && <ErrorNotice error={settings.error} onRetry={reloadSettings} />}
      {settings.state === 'ready' && <ReferralSettingsForm initial={settings.data} readOnly={!isAdmin} />}
      {sync.state === 'error' && <ErrorNotice error={sync.error} onRetry={reloadSync} />}
      {sync.state === 'ready' && <SyncStatusPanel sync={sync.data} canRetry={isAdmin} onChanged={() => reloadSync({ quiet: true })} />}
    </>
  );
}
