import { z } from 'zod';

/**
 * Calls the proxy's widget API (`/api/widget/*`) the way the widget does through `$authorizedAjax`: with an
 * amoCRM disposable token in `X-Auth-Token`. Answers are parsed with zod so that a contract drift shows up
 * as a clear error in the sandbox instead of an `undefined` further down.
 */

export const statusSchema = z.object({
  connected: z.boolean(),
  moysklad: z.object({ state: z.enum(['connected', 'needs_reauth', 'not_connected']), login: z.string().optional() }),
  amocrm: z.object({ state: z.enum(['installed', 'needs_reinstall']) }),
  isAdmin: z.boolean(),
});
export type WidgetStatus = z.infer<typeof statusSchema>;

const syncStatusSchema = z.looseObject({
  lastSyncAt: z.string().nullable(),
  mode: z.enum(['webhooks', 'polling']),
  queue: z.object({ pending: z.number(), running: z.number(), failed: z.number() }),
  import: z.object({ state: z.enum(['idle', 'running', 'done', 'failed']), done: z.number(), total: z.number() }),
  failedJobs: z.array(z.looseObject({ id: z.string(), kind: z.string(), error: z.string() })),
});
export type WidgetSyncStatus = z.infer<typeof syncStatusSchema>;

const purchaseSchema = z.looseObject({
  id: z.string(),
  number: z.string(),
  moment: z.string(),
  sumKopecks: z.number().int(),
  pointsEarned: z.number(),
  pointsSpent: z.number(),
  returned: z.boolean(),
});

const cardSchema = z.looseObject({
  customer: z.looseObject({ amoCustomerId: z.number(), moyskladId: z.string(), name: z.string() }),
  bonusCard: z.string().nullable(),
  points: z.number(),
  purchaseTotalKopecks: z.number().int(),
  purchaseCount: z.number().int(),
  purchases: z.array(purchaseSchema),
});
type WidgetCard = z.infer<typeof cardSchema>;

export const settingsSchema = z.looseObject({
  referralBonusNew: z.number().int(),
  referralBonusReferrer: z.number().int(),
  referrerRewardAt: z.enum(['signup', 'first_purchase']),
  priceTypeId: z.string().nullable(),
});
type WidgetSettings = z.infer<typeof settingsSchema>;

const problemSchema = z.looseObject({ code: z.string().optional(), title: z.string().optional(), detail: z.string().optional() });

export class WidgetApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'WidgetApiError';
  }
}

export class WidgetApiClient {
  constructor(
    private readonly proxyUrl: string,
    /** A fresh disposable token per call: the proxy refuses a replayed `jti`. */
    private readonly token: () => Promise<string>,
  ) {}

  status(): Promise<WidgetStatus> {
    return this.call('GET', '/api/widget/status', statusSchema);
  }

  /** `password` goes to the proxy only; the proxy keeps the МойСклад token it obtains, never the password. */
  connect(login: string, password: string): Promise<unknown> {
    return this.call('POST', '/api/widget/connection', z.looseObject({ connected: z.literal(true) }), { login, password });
  }

  syncStatus(): Promise<WidgetSyncStatus> {
    return this.call('GET', '/api/widget/sync', syncStatusSchema);
  }

  settings(): Promise<WidgetSettings> {
    return this.call('GET', '/api/widget/settings', settingsSchema);
  }

  card(amoCustomerId: number): Promise<WidgetCard> {
    return this.call('GET', `/api/widget/customers/${amoCustomerId}/card`, cardSchema);
  }

  private async call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'X-Auth-Token': await this.token(), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.proxyUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    const json: unknown = text ? safeJson(text) : null;
    if (!response.ok) {
      const problem = problemSchema.safeParse(json);
      const code = problem.success ? problem.data.code : undefined;
      const detail = problem.success ? (problem.data.detail ?? problem.data.title) : text.slice(0, 200);
      throw new WidgetApiError(response.status, code, `${method} ${path} answered ${response.status}${code ? ` ${code}` : ''}: ${detail ?? ''}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new Error(`${method} ${path}: unexpected answer: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
