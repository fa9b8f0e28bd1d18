import type { ComponentChildren } from 'preact';
import { useWidgetEnv } from '../lib/env.js';
import { InputField } from './Field.js';

type Props = {
  login: string;
  password: string;
  disabled?: boolean;
  onLoginChange: (login: string) => void;
  onPasswordChange: (password: string) => void;
  /** Shown right under the password (a refused login belongs there), described by it for screen readers. */
  passwordError?: ComponentChildren;
};

/**
 * МойСклад login and password. The inputs deliberately have no `name`: the amoCRM settings form
 * serialises named inputs into the widget settings, and these values must go to the proxy only.
 */
export function CredentialsFields({ login, password, disabled, onLoginChange, onPasswordChange, passwordError }: Props) {
  const { t } = useWidgetEnv();
  return (
    <div class="msk-widget__credentials">
      <InputField
        id="msk-login"
        label={t('connection.login')}
        type="text"
        autoComplete="username"
        value={login}
        disabled={disabled}
        onValue={onLoginChange}
      />
      <InputField
        id="msk-password"
        label={t('connection.password')}
        type="password"
        autoComplete="current-password"
        value={password}
        disabled={disabled}
        aria-describedby={passwordError ? 'msk-password-error' : undefined}
        onValue={onPasswordChange}
      />
      {passwordError && <div id="msk-password-error">{passwordError}</div>}
      <p class="msk-widget__hint">{t('connection.token_warning')}</p>
    </div>
  );
}
