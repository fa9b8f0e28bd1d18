import { z } from 'zod';
import type {
  HostContact,
  HostCustomFieldValue,
  HostCustomerDetail,
  HostCustomerSummary,
  HostDataSource,
  HostNote,
  HostTransaction,
} from './types.js';

// Reads what the pages show through amoCRM's public REST API v4, the same way any client would.
// That keeps the host page independent of the emulator's internals: anything the page shows has
// really been written to amoCRM by the proxy.

const BONUS_POINTS_CODE = 'BONUS_POINTS';
const BONUS_POINTS_NAME = 'Бонусные баллы';
const PAGE_LIMIT = 250;
const MAX_PAGES = 40; // a sandbox account never has 10 000 customers; stops a runaway `next` loop
// amoCRM allows ~7 requests/s per account and answers 429 beyond; a card page makes up to ~5 reads
// at once while the proxy may be syncing, so a short back-off keeps pages from failing.
const RATE_LIMIT_RETRIES = 3;
const RATE_LIMIT_BACKOFF_MS = 400;

const fieldValuesSchema = z
  .array(
    z.object({
      field_id: z.number(),
      field_name: z.string().nullish(),
      field_code: z.string().nullish(),
      values: z.array(z.object({ value: z.unknown().optional(), enum_code: z.string().nullish() }).loose()),
    }),
  )
  .nullish();

const customerSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    ltv: z.number().nullish(),
    purchases_count: z.number().nullish(),
    custom_fields_values: fieldValuesSchema,
    _embedded: z.object({ contacts: z.array(z.object({ id: z.number() })).optional() }).loose().optional(),
  })
  .loose();
type ApiCustomer = z.infer<typeof customerSchema>;

const customFieldSchema = z.object({ id: z.number(), name: z.string(), code: z.string().nullish(), sort: z.number().nullish() });
const contactSchema = z.object({ id: z.number(), name: z.string().nullish(), custom_fields_values: fieldValuesSchema }).loose();
const transactionSchema = z
  .object({ id: z.number(), price: z.number(), completed_at: z.number().nullish(), comment: z.string().nullish() })
  .loose();
const noteSchema = z
  .object({
    id: z.number(),
    note_type: z.string(),
    created_at: z.number(),
    params: z.object({ text: z.string().nullish(), service: z.string().nullish() }).loose().nullish(),
  })
  .loose();

function halPage<T extends z.ZodType>(entity: string, item: T) {
  return z.object({
    _links: z.object({ next: z.object({ href: z.string() }).optional() }).loose().optional(),
    _embedded: z.object({ [entity]: z.array(item) }),
  });
}

export type AmoApiDataSourceOptions = {
  /** Account base URL, e.g. `http://127.0.0.1:PORT/a/demo`. */
  baseUrl: string;
  /** A token that may read the account (long-lived integration token, or the emulator's UI token). Never logged. */
  accessToken: string | (() => string | Promise<string>);
  fetch?: typeof fetch;
};

export class AmoApiError extends Error {
  override name = 'AmoApiError';
}

export function createAmoApiDataSource(options: AmoApiDataSourceOptions): HostDataSource {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');

  /** GET a path (or absolute `next` link); `null` on 204 No Content, amoCRM's "nothing found". */
  async function get<T>(pathOrUrl: string, schema: z.ZodType<T>): Promise<T | null> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`;
    const token = typeof options.accessToken === 'function' ? await options.accessToken() : options.accessToken;
    let response = await doFetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    for (let attempt = 1; response.status === 429 && attempt <= RATE_LIMIT_RETRIES; attempt++) {
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_BACKOFF_MS * attempt));
      response = await doFetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    }
    if (response.status === 204 || response.status === 404) return null;
    if (!response.ok) throw new AmoApiError(`amoCRM API GET ${new URL(url).pathname} answered ${response.status}`);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) {
      throw new AmoApiError(`amoCRM API GET ${new URL(url).pathname} returned an unexpected body: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  }

  async function getAll<T extends z.ZodType>(path: string, entity: string, item: T): Promise<z.infer<T>[]> {
    const items: z.infer<T>[] = [];
    const separator = path.includes('?') ? '&' : '?';
    let next: string | undefined = `${path}${separator}limit=${PAGE_LIMIT}`;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const body: z.infer<ReturnType<typeof halPage<T>>> | null = await get(next, halPage(entity, item));
      if (!body) break;
      items.push(...(body._embedded[entity] ?? []));
      next = body._links?.next?.href;
    }
    return items;
  }

  async function customFields() {
    const fields = await getAll('/api/v4/customers/custom_fields', 'custom_fields', customFieldSchema);
    return fields.sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.id - b.id);
  }

  return {
    async listCustomers() {
      const customers = await getAll('/api/v4/customers?with=contacts', 'customers', customerSchema);
      return customers.map(toSummary);
    },

    async getCustomer(id) {
      const customer = await get(`/api/v4/customers/${id}?with=contacts`, customerSchema);
      if (!customer) return null;
      const [fields, transactions, notes, contacts] = await Promise.all([
        customFields(),
        getAll(`/api/v4/customers/${id}/transactions`, 'transactions', transactionSchema),
        getAll(`/api/v4/customers/${id}/notes`, 'notes', noteSchema),
        Promise.all((customer._embedded?.contacts ?? []).slice(0, 10).map((c) => get(`/api/v4/contacts/${c.id}`, contactSchema))),
      ]);
      const detail: HostCustomerDetail = {
        ...toSummary(customer),
        fields: fields.map((field): HostCustomFieldValue => {
          const value = customer.custom_fields_values?.find((v) => v.field_id === field.id);
          return { fieldId: field.id, name: field.name, code: field.code ?? null, displayValue: value ? joinValues(value.values) : '' };
        }),
        contacts: contacts.flatMap((c): HostContact[] => (c ? [toContact(c)] : [])),
        transactions: transactions
          .map((t): HostTransaction => ({ id: t.id, price: t.price, completedAt: t.completed_at ?? null, comment: t.comment ?? null }))
          .sort((a, b) => (b.completedAt ?? 0) - (a.completedAt ?? 0)),
        notes: notes
          .map((n): HostNote => ({
            id: n.id,
            type: n.note_type,
            text: n.params?.text ?? '',
            service: n.params?.service ?? null,
            createdAt: n.created_at,
          }))
          .sort((a, b) => b.createdAt - a.createdAt),
      };
      return detail;
    },
  };
}

function toSummary(customer: ApiCustomer): HostCustomerSummary {
  const points = customer.custom_fields_values?.find(
    (v) => v.field_code === BONUS_POINTS_CODE || v.field_name === BONUS_POINTS_NAME,
  );
  return {
    id: customer.id,
    name: customer.name,
    bonusPoints: points ? joinValues(points.values) || null : null,
    purchasesCount: customer.purchases_count ?? 0,
    ltv: customer.ltv ?? 0,
  };
}

function toContact(contact: z.infer<typeof contactSchema>): HostContact {
  const valuesOf = (code: string) =>
    (contact.custom_fields_values ?? [])
      .filter((v) => v.field_code === code)
      .flatMap((v) => v.values.map((x) => String(x.value ?? '')))
      .filter(Boolean);
  return { id: contact.id, name: contact.name ?? '', phones: valuesOf('PHONE'), emails: valuesOf('EMAIL') };
}

function joinValues(values: { value?: unknown }[]): string {
  return values
    .map((v) => (v.value === undefined || v.value === null ? '' : String(v.value)))
    .filter(Boolean)
    .join(', ');
}
