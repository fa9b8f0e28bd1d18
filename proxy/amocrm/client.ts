import { AccountApi } from './resources/account.js';
import { CatalogsApi } from './resources/catalogs.js';
import { ContactsApi } from './resources/contacts.js';
import { CustomersApi } from './resources/customers.js';
import { UsersApi } from './resources/users.js';
import { AmoTransport, type AmoTransportOptions } from './transport.js';

/** Typed amoCRM API for one installed account. */
export class AmoClient {
  readonly transport: AmoTransport;
  readonly account: AccountApi;
  readonly customers: CustomersApi;
  readonly contacts: ContactsApi;
  readonly catalogs: CatalogsApi;
  readonly users: UsersApi;

  constructor(options: AmoTransportOptions) {
    this.transport = new AmoTransport(options);
    this.account = new AccountApi(this.transport);
    this.customers = new CustomersApi(this.transport);
    this.contacts = new ContactsApi(this.transport);
    this.catalogs = new CatalogsApi(this.transport);
    this.users = new UsersApi(this.transport);
  }
}
