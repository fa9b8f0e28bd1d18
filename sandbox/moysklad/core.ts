import { AuditLog } from './audit-log.js';
import { ChangeSet, type ChangeOrigin } from './change-set.js';
import type { KindServices } from './core-types.js';
import { EntityService } from './entity-service.js';
import type { Faults } from './faults.js';
import { defaultPriceTypes } from './fixtures.js';
import type { ResolvedOptions } from './options.js';
import { Presenter } from './presenter.js';
import { seededRandom } from './seeded-random.js';
import { EntityStore } from './store.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/**
 * The stateful heart of the emulator, independent of HTTP: the store, entity rules, audit and
 * webhook delivery. Every state change goes through a ChangeSet and `commit`.
 */
export class EmulatorCore {
  readonly store = new EntityStore();
  readonly audit = new AuditLog();
  readonly services: KindServices;
  readonly entities: EntityService;
  readonly presenter: Presenter;
  readonly dispatcher: WebhookDispatcher;
  readonly random: () => number;
  faults: Faults = {};
  private readonly counters = new Map<string, number>();
  private baseUrl = 'http://127.0.0.1/api/remap/1.2';

  constructor(readonly options: ResolvedOptions) {
    this.random = seededRandom(options.seed);
    this.services = {
      store: this.store,
      options,
      now: () => options.now(),
      nextNumber: (type) => this.nextNumber(type),
    };
    this.entities = new EntityService(this.services);
    this.presenter = new Presenter(this.services);
    this.dispatcher = new WebhookDispatcher({
      timeoutMs: options.webhookTimeoutMs,
      accountId: options.accountId,
      random: this.random,
      faults: () => this.faults,
      baseUrl: () => this.publicBaseUrl(),
    });
    this.reset();
  }

  /** Empties the account back to its fixed objects (price types). */
  reset(): void {
    this.store.clear();
    this.audit.clear();
    this.counters.clear();
    for (const priceType of defaultPriceTypes(this.options.accountId)) this.store.put('pricetype', priceType);
  }

  setListeningBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  publicBaseUrl(): string {
    return this.options.publicBaseUrl ?? this.baseUrl;
  }

  nextNumber(type: string): string {
    const next = (this.counters.get(type) ?? 0) + 1;
    this.counters.set(type, next);
    return String(next).padStart(5, '0');
  }

  /** Bumps a counter past numbers taken by loaded documents so new ones never collide. */
  reserveNumber(type: string, name: unknown): void {
    const number = Number(name);
    if (Number.isInteger(number) && number > (this.counters.get(type) ?? 0)) this.counters.set(type, number);
  }

  changeSet(origin: Partial<ChangeOrigin> & { uid: string }): ChangeSet {
    return new ChangeSet({ source: 'jsonapi', disabledWebhookPrefixes: [], ...origin });
  }

  /** Records the change set as one audit context and schedules its webhook notifications. */
  commit(changes: ChangeSet): void {
    if (changes.events.length === 0) return;
    const context = this.audit.record(changes, this.options.now());
    if (!this.options.webhooksAllowed) return; // free tariff: nothing is sent
    this.dispatcher.dispatch(context, changes.origin, this.store.list('webhook'));
  }

  /**
   * Runs `work` inside one change set. Callers validate before their first write; should a later step
   * still fail, whatever was already written is committed too, so audit and webhooks match the state.
   */
  transact<T>(origin: Partial<ChangeOrigin> & { uid: string }, work: (changes: ChangeSet) => T): T {
    const changes = this.changeSet(origin);
    try {
      return work(changes);
    } finally {
      this.commit(changes);
    }
  }
}
