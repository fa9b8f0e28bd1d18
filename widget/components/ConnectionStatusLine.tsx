import type { WidgetStatus } from '../api/types.js';
import { useWidgetEnv } from '../lib/env.js';

type Props = { status: WidgetStatus; connectedLogin?: string | null };

/** "Connected as …" / "access expired" / "not connected", announced politely on change. */
export function ConnectionStatusLine({ status, connectedLogin }: Props) {
  const { t } = useWidgetEnv();
  const login = connectedLogin ?? status.moysklad.login ?? '';
  const state = connectedLogin ? 'connected' : status.moysklad.state;
  const text =
    state === 'connected'
      ? t('connection.status_connected', { login })
      : state === 'needs_reauth'
        ? t('connection.status_needs_reauth')
        : t('connection.status_not_connected');
  return (
    <p class={`msk-widget__status msk-widget__status--${state}`} role="status" aria-live="polite">
      {text}
    </p>
  );
}
