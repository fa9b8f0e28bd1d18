import type { AxiosInstance, AxiosResponse } from 'axios';
import type { z } from 'zod';
import { MoySkladAuthError, MoySkladError, MoySkladRateLimitError, MoySkladValidationError, redactUrl } from './errors.js';
import { moyskladHttp } from './http.js';
import { silentLogger, type ClientLogger } from '../logger.js';
import { errorFromResponse, numberHeader, type HeaderLookup } from './response-errors.js';
import { defaultRetryPolicy, shouldRetry, type RetryPolicy } from './retry-policy.js';
import type { LimiterLane, MoySkladUserLimiter } from './user-limiter.js';

export const MOYSKLAD_DEFAULT_BASE_URL = 'https://api.moysklad.ru/api/remap/1.2';
const API_PATH_MARKER = '/api/remap/1.2';

export type MoySkladAuth = { type: 'bearer'; token: string } | { type: 'basic'; login: string; password: string };
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface MoySkladTransportOptions {
  auth: MoySkladAuth;
  /** The per-user limiter shared by everything acting as this МойСклад user. */
  limiter: MoySkladUserLimiter;
  /** Our public origin: goes into User-Agent and X-Lognex-WebHook-DisableByPrefix (stops our own writes echoing back). */
  publicUrl: string;
  /** Live calls (someone waits) go ahead of bulk calls in the shared per-user limiter. Default: live. */
  lane?: LimiterLane;
  baseUrl?: string;
  /** The МойСклад axios instance (createMoySkladHttp in ./http.ts, e.g. with a test adapter); the process's shared one by default. */
  http?: AxiosInstance;
  logger?: ClientLogger;
  /** Called once per 401: the caller marks the connection "needs re-authentication". */
  onAuthLost?: (error: MoySkladAuthError) => void | Promise<void>;
  retryPolicy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Overrides the instance's timeout (5 min: heavy МойСклад requests may take minutes). */
  timeoutMs?: number;
}

export interface RequestOptions<Schema extends z.ZodType | null> {
  method: HttpMethod;
  /** Path under the base URL (`/entity/product`) or an absolute `meta.href` / `nextHref` from МойСклад. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Shape of the 2xx body; `null` when the body is ignored (e.g. DELETE answers 200 with nothing). */
  schema: Schema;
  /** Extra headers for this call only, e.g. `X-Lognex-Remap-Beta-Feature` (never the auth or gzip headers). */
  headers?: Record<string, string>;
  /** Safe to repeat after an ambiguous failure (network error or 5xx)? Defaults to true except for POST. */
  idempotent?: boolean;
  /**
   * For non-idempotent writes: after an ambiguous failure, look for the effect of the first attempt (e.g. by our
   * externalCode). Returning a value ends the call with it; `undefined` means "not done", so the write is retried.
   */
  recover?: () => Promise<Result<Schema> | undefined>;
}

type Result<Schema extends z.ZodType | null> = Schema extends z.ZodType ? z.infer<Schema> : undefined;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Tokens МойСклад refused, by their user limiter (one limiter per token for the whole process:
 * proxy/moysklad/user-limiters.ts). The first 401 of any client of a token stops every other client of that token in
 * this process before its next request — jobs and widget routes each build their own client, and without this each
 * of them would repeat the failing request once. A reconnect brings a new token (МойСклад revokes the user's earlier
 * ones), hence a new limiter with no mark.
 */
const refusedTokens = new WeakMap<MoySkladUserLimiter, MoySkladAuthError>();

/** Encodes with %20 for spaces and every reserved char escaped: МойСклад wants the whole filter value URL-encoded. */
export function encodeQuery(query: Record<string, QueryValue>): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
}

/**
 * Limiter → HTTP → error mapping → retry → zod, for one МойСклад user. Typed methods live in the resource
 * modules; this class knows nothing about entities.
 */
export class MoySkladTransport {
  readonly baseUrl: string;
  readonly limiter: MoySkladUserLimiter;
  private readonly http: AxiosInstance;
  private readonly logger: ClientLogger;
  private readonly retryPolicy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly authorization: string;
  private readonly onAuthLost: MoySkladTransportOptions['onAuthLost'];
  private readonly timeoutMs: number | undefined;
  private readonly lane: LimiterLane;
  /**
   * Set by the first 401. Later calls fail at once without touching the network: repeating requests that fail
   * the same way is one of МойСклад's auto-block triggers, and the token will not heal by itself.
   */
  private authLost: MoySkladAuthError | null = null;

  constructor(options: MoySkladTransportOptions) {
    this.baseUrl = (options.baseUrl ?? MOYSKLAD_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.limiter = options.limiter;
    this.http = options.http ?? moyskladHttp(options.publicUrl.replace(/\/+$/, ''));
    this.logger = options.logger ?? silentLogger;
    this.retryPolicy = { ...defaultRetryPolicy, ...options.retryPolicy };
    this.sleep = options.sleep ?? defaultSleep;
    this.onAuthLost = options.onAuthLost;
    this.timeoutMs = options.timeoutMs;
    this.lane = options.lane ?? 'live';
    this.authorization =
      options.auth.type === 'bearer'
        ? `Bearer ${options.auth.token}`
        : `Basic ${Buffer.from(`${options.auth.login}:${options.auth.password}`, 'utf8').toString('base64')}`;
  }

  /** Turns a path or a МойСклад href into a URL under OUR base URL, so the token never goes to another host. */
  resolveUrl(pathOrHref: string, query?: Record<string, QueryValue>): string {
    let url: string;
    if (/^https?:\/\//i.test(pathOrHref)) {
      const parsed = new URL(pathOrHref);
      const markerAt = parsed.pathname.indexOf(API_PATH_MARKER);
      if (markerAt < 0) throw new MoySkladError(`refusing to follow a link outside the МойСклад API: ${redactUrl(pathOrHref)}`);
      url = this.baseUrl + parsed.pathname.slice(markerAt + API_PATH_MARKER.length) + parsed.search;
    } else {
      url = this.baseUrl + (pathOrHref.startsWith('/') ? pathOrHref : `/${pathOrHref}`);
    }
    const encoded = query ? encodeQuery(query) : '';
    if (!encoded) return url;
    return url + (url.includes('?') ? '&' : '?') + encoded;
  }

  async request<Schema extends z.ZodType | null>(options: RequestOptions<Schema>): Promise<Result<Schema>> {
    const url = this.resolveUrl(options.path, options.query);
    const summary = { method: options.method, url: redactUrl(url) };
    const idempotent = options.idempotent ?? options.method !== 'POST';
    const refused = this.authLost ?? refusedTokens.get(this.limiter);
    if (refused) throw refused;
    for (let attempt = 1; ; attempt += 1) {
      let error: MoySkladError;
      try {
        return await this.attempt(options, url, summary);
      } catch (caught) {
        if (!(caught instanceof MoySkladError) || caught instanceof MoySkladValidationError) throw caught;
        error = caught;
      }
      if (error instanceof MoySkladAuthError) {
        if (this.authLost || refusedTokens.has(this.limiter)) throw error; // a parallel call already reported it
        this.authLost = error;
        refusedTokens.set(this.limiter, error);
        this.logger.warn({ ...summary, status: error.status }, 'МойСклад rejected the credentials; connection needs re-authentication');
        await this.onAuthLost?.(error);
        throw error;
      }
      const decision = shouldRetry(error, attempt, this.retryPolicy);
      if (!decision.retry) throw error;
      const ambiguous = !(error instanceof MoySkladRateLimitError); // a 429 was refused before anything happened
      if (ambiguous && !idempotent) {
        if (!options.recover) throw error;
        const done = await options.recover();
        if (done !== undefined) return done as Result<Schema>;
      }
      this.logger.warn({ ...summary, status: error.status, code: error.code, attempt, delayMs: decision.delayMs, reason: decision.reason }, 'МойСклад call failed, retrying');
      await this.sleep(decision.delayMs);
    }
  }

  private async attempt<Schema extends z.ZodType | null>(options: RequestOptions<Schema>, url: string, summary: { method: string; url: string }): Promise<Result<Schema>> {
    const release = await this.limiter.acquire(this.lane);
    // A call that waited for its turn while another call of this token got the 401 must not go out after it.
    const refused = refusedTokens.get(this.limiter);
    if (refused) {
      release();
      throw refused;
    }
    let response: AxiosResponse<string>;
    try {
      // Shared headers, the echo-stopper on writes and network failures are the instance's (./http.ts).
      response = await this.http.request<string>({
        method: options.method,
        url,
        headers: { ...extraHeaders(options.headers), Authorization: this.authorization },
        data: options.body,
        ...(this.timeoutMs ? { timeout: this.timeoutMs } : {}),
      });
    } finally {
      release();
    }

    const lookup: HeaderLookup = (name) => {
      const value = response.headers[name.toLowerCase()] as unknown;
      return value === undefined || value === null ? undefined : String(value);
    };
    this.limiter.observe({
      limit: numberHeader(lookup, 'x-ratelimit-limit'),
      remaining: numberHeader(lookup, 'x-ratelimit-remaining'),
      intervalMs: numberHeader(lookup, 'x-lognex-retry-timeinterval'),
      resetMs: numberHeader(lookup, 'x-lognex-reset'),
    });
    const bodyText = typeof response.data === 'string' ? response.data : '';

    if (response.status < 200 || response.status >= 300) {
      const error = errorFromResponse(response.status, bodyText, lookup, summary);
      if (error instanceof MoySkladRateLimitError) this.limiter.onRateLimited(error.kind, error.retryAfterMs);
      throw error;
    }
    if (options.schema === null) return undefined as Result<Schema>;
    return this.parseBody(options.schema, bodyText, summary, lookup) as Result<Schema>;
  }

  private parseBody(schema: z.ZodType, bodyText: string, summary: { method: string; url: string }, headers: HeaderLookup): unknown {
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch (cause) {
      const error = new MoySkladValidationError('МойСклад answered with a body that is not JSON', {
        request: summary,
        cause,
        issues: [{ code: 'custom', path: [], message: 'body is not JSON', input: undefined }],
      });
      this.logger.error({ ...summary, path: error.path }, error.message);
      throw error;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const error = new MoySkladValidationError('МойСклад answered with an unexpected shape', {
      request: summary,
      requestId: headers('x-request-id'),
      issues: parsed.error.issues,
      cause: parsed.error,
    });
    // Log the path and the zod message only: the body may contain personal data.
    this.logger.error({ ...summary, path: error.path, issue: parsed.error.issues[0]?.message }, error.message);
    throw error;
  }
}

/** Per-call extra headers (e.g. `X-Lognex-Remap-Beta-Feature`) never replace the credentials or the instance's own. */
const RESERVED_HEADERS = new Set(['authorization', 'accept-encoding', 'user-agent', 'x-lognex-webhook-disablebyprefix']);
function extraHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !RESERVED_HEADERS.has(name.toLowerCase())));
}
