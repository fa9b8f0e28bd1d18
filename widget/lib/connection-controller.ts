import type { WidgetApi } from '../api/client.js';
import type { SaveEvent } from '../sdk/types.js';
import { UserFacingError, describeError } from './describe-error.js';
import type { Translate } from './i18n.js';

export type ConnectionSnapshot = {
  consent: boolean;
  saving: boolean;
  /** Set after a failed save so the form can show it next to the fields. */
  error: unknown;
  /** The МойСклад login the proxy is connected with, once known; null when not connected. */
  connectedLogin: string | null;
};

/** The value of the hidden `config` custom field: amoCRM saves only JSON strings or numbers there. */
function consentValue(consent: boolean): string {
  return consent ? JSON.stringify({ consent: 1 }) : '';
}

export function hasConsent(stored: unknown): boolean {
  if (typeof stored !== 'string' || stored === '') return false;
  try {
    const parsed: unknown = JSON.parse(stored);
    return typeof parsed === 'object' && parsed !== null && (parsed as { consent?: unknown }).consent === 1;
  } catch {
    return false;
  }
}

/**
 * Glue between the settings modal (owned by amoCRM, which calls `onSave`) and our form. The login
 * and password live only here, in memory, until they are sent to the proxy; they never reach the
 * widget settings, because `get_settings()` would expose them to every browser of the account.
 */
export class ConnectionController {
  private snapshot: ConnectionSnapshot;
  private credentials = { login: '', password: '' };
  private readonly listeners = new Set<(snapshot: ConnectionSnapshot) => void>();

  constructor(
    private readonly api: WidgetApi,
    private readonly t: Translate,
    private readonly writeConfig: (value: string) => void,
    initialConsent: boolean,
  ) {
    this.snapshot = { consent: initialConsent, saving: false, error: null, connectedLogin: null };
  }

  get current(): ConnectionSnapshot {
    return this.snapshot;
  }

  subscribe(listener: (snapshot: ConnectionSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setConsent(consent: boolean): void {
    this.writeConfig(consentValue(consent));
    this.update({ consent });
  }

  setCredentials(login: string, password: string): void {
    this.credentials = { login, password };
  }

  setConnectedLogin(login: string | null): void {
    this.update({ connectedLogin: login });
  }

  /** amoCRM's `onSave`: resolves to let the save through, rejects (with a readable message) to block it. */
  async save(evt?: SaveEvent): Promise<boolean> {
    // onSave also runs when the user disables the widget; disabling must never be blocked.
    if (evt?.active === 'N') return true;
    if (!this.snapshot.consent) return this.fail(new UserFacingError(this.t('connection.consent_required')));
    const login = this.credentials.login.trim();
    const { password } = this.credentials;
    if (login === '' || password === '') {
      if (this.snapshot.connectedLogin !== null) return true;
      return this.fail(new UserFacingError(this.t('connection.credentials_required')));
    }
    this.update({ saving: true, error: null });
    try {
      const result = await this.api.connect({ login, password });
      this.credentials = { login: '', password: '' };
      this.update({ saving: false, connectedLogin: result.login });
      return true;
    } catch (error) {
      this.update({ saving: false });
      return this.fail(new UserFacingError(describeError(this.t, error)), error);
    }
  }

  private fail(message: Error, cause: unknown = message): Promise<never> {
    this.update({ error: cause });
    return Promise.reject(message);
  }

  private update(change: Partial<ConnectionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
