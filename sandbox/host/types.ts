// Public types of the amoCRM-like host page. The host emulates the browser side of amoCRM: it renders
// the account pages, loads the uploaded widget.zip and runs the widget's script.js like amoCRM does.

export type HostLanguage = 'ru' | 'en';
export type HostColorScheme = 'light' | 'dark';

/** The person looking at the page. amoCRM puts the same facts into APP.constant('user') and the JWT. */
export type HostUser = {
  id: number;
  name: string;
  email?: string;
  isAdmin: boolean;
};

/** One amoCRM account as the host page sees it. */
export type HostAccount = {
  id: number;
  subdomain: string;
  name: string;
  currentUser: HostUser;
  /** Used when neither `?lang=` nor the cookie says otherwise. */
  defaultLanguage?: HostLanguage;
};

export type HostCustomFieldValue = {
  fieldId: number;
  name: string;
  code: string | null;
  /** Values as amoCRM returns them, joined for display ("a, b"). */
  displayValue: string;
};

export type HostCustomerSummary = {
  id: number;
  name: string;
  /** Value of the «Бонусные баллы» field, `null` when the field is empty or absent. */
  bonusPoints: string | null;
  purchasesCount: number;
  /** amoCRM `ltv`: whole currency units (amoCRM documents price/ltv as int). */
  ltv: number;
};

export type HostContact = { id: number; name: string; phones: string[]; emails: string[] };
export type HostTransaction = { id: number; price: number; completedAt: number | null; comment: string | null };
export type HostNote = { id: number; type: string; text: string; service: string | null; createdAt: number };

export type HostCustomerDetail = HostCustomerSummary & {
  /** Every customer custom field of the account, in account order, including empty ones. */
  fields: HostCustomFieldValue[];
  contacts: HostContact[];
  transactions: HostTransaction[];
  notes: HostNote[];
};

/**
 * Where the pages get customers from. `createAmoApiDataSource` reads them through the amoCRM
 * emulator's public REST API v4; an emulator may also implement this interface directly.
 */
export interface HostDataSource {
  listCustomers(): Promise<HostCustomerSummary[]>;
  /** `null` when the customer does not exist (amoCRM answers 204 then). */
  getCustomer(id: number): Promise<HostCustomerDetail | null>;
}

/** amoCRM's widget status values (`self.get_install_status()`, `self.params.status`). */
export type WidgetInstallStatus = 'install' | 'installed' | 'not_configured';

export type WidgetInstallState = {
  status: WidgetInstallStatus;
  active: boolean;
  /** Saved values of the manifest `settings` fields, keyed by field code. */
  settings: Record<string, string>;
};

/**
 * Keeps the per-account install state of the widget. The default lives in memory;
 * `createAmoApiWidgetStateStore` keeps it in amoCRM itself (GET/POST /api/v4/widgets/{code}).
 */
export interface WidgetStateStore {
  get(subdomain: string): WidgetInstallState | Promise<WidgetInstallState>;
  set(subdomain: string, state: WidgetInstallState): void | Promise<void>;
}

export type HostRouterOptions = {
  /** Path of the uploaded archive; re-read when the file changes. Default `dist/widget.zip`. */
  widgetZipPath?: string;
  /** amoCRM generates the widget code at upload; this is ours. Default `moysklad` (the amoCRM emulator's default too). */
  widgetCode?: string;
  integration: { clientId: string; clientSecret: string };
  /** `aud` of disposable tokens and `self.params.proxy_url` of the widget. */
  proxyOrigin: string;
  /**
   * The account served under this mount point, or a lookup by subdomain for multi-account mounts.
   * Omitted: the account the amoCRM emulator put into `res.locals.amoAccount`, acting as its first
   * administrator or as the user picked with `?user=<id>`.
   */
  account?: HostAccount | ((subdomain: string) => HostAccount | undefined);
  dataSource: (account: HostAccount) => HostDataSource;
  /** Called after the widget's onSave resolved on Install; the orchestrator lets amoCRM call the proxy. */
  onInstall?: (subdomain: string, by: { userId: number }) => void | Promise<void>;
  /** Called when the user disables the widget (after onSave with active 'N'). */
  onUninstall?: (subdomain: string, by: { userId: number }) => void | Promise<void>;
  widgetState?: WidgetStateStore;
  /** Overrides the token issuer; defaults to `{protocol}://{host}{mount path}` of the request. */
  accountBaseUrl?: (subdomain: string, requestOrigin: string, mountPath: string) => string;
  /** pino-compatible; receives amoCRM read failures behind a 502 page. Default: console.warn. */
  logger?: { warn(details: object, message: string): void };
  /** Clock for disposable tokens (tests). */
  now?: () => Date;
};
