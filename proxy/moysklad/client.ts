import { AuditApi } from './resources/audit.js';
import { BonusApi } from './resources/bonus.js';
import { CatalogApi } from './resources/catalog.js';
import { CounterpartiesApi } from './resources/counterparties.js';
import { RetailApi } from './resources/retail.js';
import { WebhooksApi } from './resources/webhooks.js';
import { employeeContextSchema, type EmployeeContext } from './schemas/entities.js';
import { MoySkladTransport, type MoySkladTransportOptions } from './transport.js';

export type MoySkladClientOptions = Omit<MoySkladTransportOptions, 'auth'> & { token: string };

/** Typed МойСклад API for one connection (one Bearer token). Everything goes through one transport and limiter. */
export class MoySkladClient {
  readonly transport: MoySkladTransport;
  readonly counterparties: CounterpartiesApi;
  readonly catalog: CatalogApi;
  readonly retail: RetailApi;
  readonly bonus: BonusApi;
  readonly webhooks: WebhooksApi;
  readonly audit: AuditApi;

  constructor(options: MoySkladClientOptions) {
    const { token, ...rest } = options;
    this.transport = new MoySkladTransport({ ...rest, auth: { type: 'bearer', token } });
    this.counterparties = new CounterpartiesApi(this.transport);
    this.catalog = new CatalogApi(this.transport);
    this.retail = new RetailApi(this.transport);
    this.bonus = new BonusApi(this.transport);
    this.webhooks = new WebhooksApi(this.transport);
    this.audit = new AuditApi(this.transport);
  }

  /** Who the token belongs to; the cheapest way to check that a connection still works. */
  employeeContext(): Promise<EmployeeContext> {
    return this.transport.request({ method: 'GET', path: '/context/employee', schema: employeeContextSchema });
  }
}
