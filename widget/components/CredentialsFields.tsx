import { useWidgetEnv } from '../lib/env.js';

type Props = {
  login: string;
  password: string;
  disabled?: boolean;
  onLoginChange: (login: string) => void;
  onPasswordChange: (password: string) => void;
};

/**
 * МойСклад login and password. The inputs deliberately have no `name`: the amoCRM settings form
 * serialises named inputs into the widget settings, and these values must go to the proxy only.
 */
export function CredentialsFields({ login, password, disabled, onLoginChange, onPasswordChange }: Props) {
  const { t } = useWidgetEnv();
  return (
    <div class="msk-widget__credentials">
      <label class="msk-widget__label" for="msk-login">
        {t('connection.login')}
      </label>
      <input
        id="msk-login"
        class="msk-widget__input"
        type="text"
        autoComplete="username"
        value={login}
        disabled={disabled}
        onInput={(event) => onLoginChange(event.currentTarget.value)}
      />
      <label class="msk-widget__label" for="msk-password">
        {t('connection.password')}
      </label>
      <input
        id="msk-password"
        class="msk-widget__input"
        type="password"
        autoComplete="current-password"
        value={password}
        disabled={disabled}
        onInput={(event) => onPasswordChange(event.currentTarget.value)}
      />
      <p class="msk-widget__hint">{t('connection.token_warning')}</p>
    </div>
  );
}
