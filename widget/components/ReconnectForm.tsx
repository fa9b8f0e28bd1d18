import { useState } from 'preact/hooks';
import type { WidgetStatus } from '../api/types.js';
import { UserFacingError } from '../lib/describe-error.js';
import { useWidgetEnv } from '../lib/env.js';
import { useAction } from '../lib/use-action.js';
import { ConnectionStatusLine } from './ConnectionStatusLine.js';
import { CredentialsFields } from './CredentialsFields.js';
import { ErrorNotice } from './ErrorNotice.js';

type Props = { status: WidgetStatus; onConnected: () => void };

/** Re-enter МойСклад credentials from the advanced page, e.g. after access expired. */
export function ReconnectForm({ status, onConnected }: Props) {
  const { t, api } = useWidgetEnv();
  const [login, setLogin] = useState(status.moysklad.login ?? '');
  const [password, setPassword] = useState('');
  const { busy, error, run, setError } = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (login.trim() === '' || password === '') {
      setError(new UserFacingError(t('connection.credentials_required')));
      return;
    }
    await run(async () => {
      await api.connect({ login: login.trim(), password });
      setPassword('');
      onConnected();
    });
  };

  return (
    <form class="msk-widget__form msk-widget__section" onSubmit={submit} noValidate>
      <h3 class="msk-widget__heading">{t('advanced_page.reconnect_title')}</h3>
      <ConnectionStatusLine status={status} />
      <CredentialsFields
        login={login}
        password={password}
        disabled={busy}
        onLoginChange={setLogin}
        onPasswordChange={setPassword}
        passwordError={error !== null && <ErrorNotice error={error} />}
      />
      <button type="submit" class="msk-widget__button msk-widget__button--primary" disabled={busy}>
        {busy ? t('connection.connecting') : t('connection.connect')}
      </button>
    </form>
  );
}
