import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConnectionController, ConnectionSnapshot } from '../lib/connection-controller.js';
import { useWidgetEnv } from '../lib/env.js';
import { useAction } from '../lib/use-action.js';
import { useLoad } from '../lib/use-load.js';
import { ConnectionStatusLine } from './ConnectionStatusLine.js';
import { CredentialsFields } from './CredentialsFields.js';
import { ErrorNotice } from './ErrorNotice.js';

type Props = { controller: ConnectionController };

/** The form inside the amoCRM settings modal: consent, МойСклад credentials, status, disconnect. */
export function ConnectionSettings({ controller }: Props) {
  const { t, api } = useWidgetEnv();
  const [snapshot, setSnapshot] = useState<ConnectionSnapshot>(controller.current);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const disconnecting = useAction();
  // Disconnecting stops the whole integration: it takes a second, explicit click after reading what stops.
  const [confirmingDisconnect, setConfirmingDisconnect] = useState(false);
  const [status, reloadStatus] = useLoad(useCallback(() => api.getStatus(), [api]));
  const errorRef = useRef<HTMLDivElement>(null);

  // A ref, not the rendered state: two inputs in one frame must not overwrite each other.
  const credentials = useRef({ login: '', password: '' });

  useEffect(() => controller.subscribe(setSnapshot), [controller]);

  useEffect(() => {
    if (status.state !== 'ready') return;
    const { moysklad } = status.data;
    controller.setConnectedLogin(moysklad.state === 'connected' ? (moysklad.login ?? '') : null);
  }, [controller, status]);

  // A successful save clears the credentials held by the controller; mirror that in the inputs.
  useEffect(() => {
    if (snapshot.connectedLogin !== null && !snapshot.saving && snapshot.error === null) {
      credentials.current = { ...credentials.current, password: '' };
      setPassword('');
    }
  }, [snapshot.connectedLogin, snapshot.saving, snapshot.error]);

  const changeCredentials = (change: Partial<{ login: string; password: string }>) => {
    credentials.current = { ...credentials.current, ...change };
    setLogin(credentials.current.login);
    setPassword(credentials.current.password);
    controller.setCredentials(credentials.current.login, credentials.current.password);
  };

  // A refused save is shown once, here, next to the credentials: scrolled into view (the modal body is long: tour,
  // description, form) with the focus on the password, which is what the admin has to correct.
  useEffect(() => {
    if (snapshot.error === null) return;
    errorRef.current?.scrollIntoView?.({ block: 'center' });
    document.getElementById('msk-password')?.focus();
  }, [snapshot.error]);

  const disconnect = () =>
    disconnecting.run(async () => {
      await api.disconnect();
      setConfirmingDisconnect(false);
      controller.setConnectedLogin(null);
      reloadStatus();
    });

  const isAdmin = status.state === 'ready' ? status.data.isAdmin : true;
  const connected = snapshot.connectedLogin !== null;

  return (
    <div class="msk-widget__settings">
      <h3 class="msk-widget__heading">{t('connection.title')}</h3>
      <p>{t('connection.intro')}</p>
      {status.state === 'ready' && <ConnectionStatusLine status={status.data} connectedLogin={snapshot.connectedLogin} />}
      {status.state === 'error' && <ErrorNotice error={status.error} onRetry={reloadStatus} />}
      {!isAdmin && <p class="msk-widget__hint">{t('connection.admin_only')}</p>}
      <label class="msk-widget__checkbox">
        <input
          type="checkbox"
          checked={snapshot.consent}
          onChange={(event) => controller.setConsent(event.currentTarget.checked)}
        />
        {t('connection.consent')}
      </label>
      <p class="msk-widget__hint">
        <a class="msk-widget__link" href={t('connection.privacy_link')} target="_blank" rel="noopener noreferrer">
          {t('connection.privacy')}
        </a>
      </p>
      <CredentialsFields
        login={login}
        password={password}
        disabled={!isAdmin || snapshot.saving}
        onLoginChange={(value) => changeCredentials({ login: value })}
        onPasswordChange={(value) => changeCredentials({ password: value })}
        passwordError={snapshot.error !== null && <div ref={errorRef}><ErrorNotice error={snapshot.error} /></div>}
      />
      {disconnecting.error !== null && <ErrorNotice error={disconnecting.error} />}
      {connected && isAdmin && !confirmingDisconnect && (
        <button type="button" class="msk-widget__button" onClick={() => setConfirmingDisconnect(true)}>
          {t('connection.disconnect')}
        </button>
      )}
      {connected && isAdmin && confirmingDisconnect && (
        <div class="msk-widget__confirm" role="group" aria-labelledby="msk-disconnect-warning">
          <p id="msk-disconnect-warning">{t('connection.disconnect_warning')}</p>
          <div class="msk-widget__row">
            <button type="button" class="msk-widget__button msk-widget__button--danger" onClick={disconnect} disabled={disconnecting.busy}>
              {t('connection.disconnect_confirm')}
            </button>
            <button type="button" class="msk-widget__button" onClick={() => setConfirmingDisconnect(false)} disabled={disconnecting.busy}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
