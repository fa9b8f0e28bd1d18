export type ChangeAction = 'CREATE' | 'UPDATE' | 'DELETE';

export interface FieldDiff {
  oldValue?: unknown;
  newValue?: unknown;
}

export interface ChangeEvent {
  entityType: string;
  entityId: string;
  action: ChangeAction;
  /** Name of the object at the time of the change (the audit shows it). */
  name?: string;
  /** Top-level fields that changed (UPDATE only). */
  diff?: Record<string, FieldDiff>;
}

/** Who made a change and how; decides the audit `source`/`uid` and which webhooks are suppressed. */
export interface ChangeOrigin {
  uid: string;
  /** Audit source: `jsonapi` for API calls, `retail` for the till, `online` for UI helpers (unconfirmed name). */
  source: string;
  /** From `X-Lognex-WebHook-DisableByPrefix`: no delivery to URLs starting with any of these. */
  disabledWebhookPrefixes: string[];
}

/**
 * Everything one request (or one helper call) changed. It becomes one audit context and, per matching
 * webhook, one notification carrying all its events.
 */
export class ChangeSet {
  readonly events: ChangeEvent[] = [];

  constructor(readonly origin: ChangeOrigin) {}

  add(event: ChangeEvent): void {
    this.events.push(event);
  }
}
