import type { AxiosInstance, AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { AmoAccountLimiter } from './account-limiter.js';
import { blockedError } from './account-limiter.js';
import { AmoAuthError, AmoBlockedError, AmoError, AmoRateLimitError, AmoResponseShapeError, redactUrl } from './errors.js';
import { amoHttp } from './http.js';
import { silentLogger, type ClientLogger } from '../logger.js';
import { accountBaseUrl, DEFAULT_BASE_URL_TEMPLATE, refreshTokens, type OAuthClientCredentials } from './oauth.js';
import { errorFromResponse, safeProblem } from './response-errors.js';
import type { AmoTokens, TokenStore } from './token-store.js';

export type AmoMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface AmoRetryOptions {
  /** 429s retried before AmoRateLimitError. */
  maxRateLimitRetries: number;
  /** First 429 backoff; doubles each time. amoCRM publishes no Retry-After, so never start below 1 s in production. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** 5xx / network retries for reads (writes are not repeated blindly). */
  maxServerRetries: number;
}

export interface AmoTransportOptions {
  /** Our key for the account (amoCRM account id as a string): keys the token store and the limiter. */
  accountId: string;
  subdomain: string;
  /** `https://{subdomain}.amocrm.ru` by default; the sandbox uses `http://127.0.0.1:PORT/a/{subdomain}`. */
  baseUrlTemplate?: string;
  credentials: OAuthClientCredentials;
  tokenStore: TokenStore;
  limiter: AmoAccountLimiter;
  /** Our public origin, named in the User-Agent of every call. */
  publicUrl?: string;
  /** Live calls (someone waits) take the next slots before bulk calls of the same account. Default: live. */
  lane?: 'live' | 'bulk';
  /** The amoCRM axios instance (createAmoHttp in ./http.ts); the process's shared one by default. */
  http?: AxiosInstance;
  logger?: ClientLogger;
  /** 401 that a refresh could not cure: mark the installation "needs reinstall". */
  onNeedsReinstall?: (accountId: string, error: AmoAuthError) => void | Promise<void>;
  /** 403: the account is blocked; alert a human. */
  onBlocked?: (accountId: string, error: AmoBlockedError) => void | Promise<void>;
  retry?: Partial<AmoRetryOptions>;
  /** Refresh this long before `expiresAt` instead of waiting for a 401. */
  refreshSkewMs?: number;
  /** Overrides the instance's timeout (60 s). */
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AmoRequest<Schema extends z.ZodType> {
  method: AmoMethod;
  /** Path under the account base URL (`/api/v4/customers`) or an absolute `_links.next.href`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema: Schema;
}

const defaultRetry: AmoRetryOptions = { maxRateLimitRetries: 5, minBackoffMs: 1000, maxBackoffMs: 60_000, maxServerRetries: 3 };
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const API_MARKER = '/api/v4/';

/**
 * Everything between a typed method and amoCRM for ONE account: pacing, OAuth (single-flight refresh on 401),
 * 429 backoff, the 403 circuit breaker, error mapping, 204 handling and zod parsing of the answer.
 */
export class AmoTransport {
  readonly accountId: string;
  readonly baseUrl: string;
  readonly limiter: AmoAccountLimiter;
  private readonly options: AmoTransportOptions;
  private readonly http: AxiosInstance;
  private readonly logger: ClientLogger;
  private readonly retry: AmoRetryOptions;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private tokens: AmoTokens | null = null;

  constructor(options: AmoTransportOptions) {
    this.options = options;
    this.accountId = options.accountId;
    this.baseUrl = accountBaseUrl(options.baseUrlTemplate ?? DEFAULT_BASE_URL_TEMPLATE, options.subdomain);
    this.limiter = options.limiter;
    this.http = options.http ?? amoHttp(options.publicUrl);
    this.logger = options.logger ?? silentLogger;
    this.retry = { ...defaultRetry, ...options.retry };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Path or amoCRM link → URL under this account's base URL (a link to another host is rebased, never followed). */
  resolveUrl(pathOrHref: string, query?: Record<string, QueryValue>): string {
    let url: string;
    if (/^https?:\/\//i.test(pathOrHref)) {
      const parsed = new URL(pathOrHref);
      const at = parsed.pathname.indexOf(API_MARKER);
      if (at < 0) throw new AmoError(`refusing to follow a link outside the amoCRM API: ${redactUrl(pathOrHref)}`);
      url = this.baseUrl + parsed.pathname.slice(at) + parsed.search;
    } else {
      url = this.baseUrl + (pathOrHref.startsWith('/') ? pathOrHref : `/${pathOrHref}`);
    }
    const pairs = Object.entries(query ?? {}).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
    if (pairs.length === 0) return url;
    const encoded = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    return url + (url.includes('?') ? '&' : '?') + encoded;
  }

  /** Resolves with the parsed body, or `null` for 204 (amoCRM's "nothing found"). */
  async request<Schema extends z.ZodType>(req: AmoRequest<Schema>): Promise<z.infer<Schema> | null> {
    const url = this.resolveUrl(req.path, req.query);
    const where = { method: req.method, url: redactUrl(url) };
    let refreshed = false;
    let rateLimited = 0;
    let serverFailures = 0;
    for (;;) {
      let tokens = await this.currentTokens();
      if (tokens.expiresAt !== null && tokens.refreshToken && tokens.expiresAt - this.now() < (this.options.refreshSkewMs ?? 60_000) && !refreshed) {
        tokens = await this.refreshAfterRejection(tokens);
        refreshed = true;
      }
      const permit = await this.limiter.acquire(this.accountId, this.options.lane ?? 'live');
      let response: AxiosResponse<string>;
      try {
        response = await this.send(req, url, tokens.accessToken);
      } catch (error) {
        // No answer at all: repeat reads; a write may have been applied, so it is surfaced to the caller.
        if (req.method !== 'GET' || serverFailures >= this.retry.maxServerRetries) throw error;
        serverFailures += 1;
        this.logger.warn({ ...where, attempt: serverFailures }, 'amoCRM unreachable on a read, retrying');
        await this.sleep(Math.min(this.retry.maxBackoffMs, this.retry.minBackoffMs * 2 ** (serverFailures - 1)));
        continue;
      }
      const requestId = header(response, 'x-request-id');
      const status = response.status;
      if (permit.probe) await this.afterProbe(response, where);

      if (status === 204) return null;
      if (status >= 200 && status < 300) return this.parse(req.schema, response.data, { ...where, requestId });

      if (status === 401) {
        if (!refreshed && tokens.refreshToken) {
          refreshed = true;
          await this.refreshAfterRejection(tokens);
          continue;
        }
        throw await this.needsReinstall(new AmoAuthError('amoCRM rejected the access token', { ...where, status, requestId }));
      }
      if (status === 403) {
        // A rights refusal for this call is surfaced; the block page stops every call for the account (isBlockPage).
        if (!isBlockPage(response)) throw errorFromResponse(status, response.data, { ...where, requestId });
        throw await this.tripBreaker(response, where, requestId);
      }
      if (status === 429) {
        rateLimited += 1;
        const backoff = Math.min(this.retry.maxBackoffMs, this.retry.minBackoffMs * 2 ** (rateLimited - 1));
        await this.limiter.onRateLimited(this.accountId, backoff);
        if (rateLimited > this.retry.maxRateLimitRetries) throw new AmoRateLimitError('amoCRM kept answering 429', { ...where, status, requestId });
        this.logger.warn({ ...where, attempt: rateLimited, backoffMs: backoff }, 'amoCRM 429, backing off');
        continue; // the limiter's pushBack makes the next acquire wait out the backoff
      }
      const error = errorFromResponse(status, response.data, { ...where, requestId });
      if (status >= 500 && req.method === 'GET' && serverFailures < this.retry.maxServerRetries) {
        serverFailures += 1;
        this.logger.warn({ ...where, status, attempt: serverFailures }, 'amoCRM 5xx on a read, retrying');
        await this.sleep(Math.min(this.retry.maxBackoffMs, this.retry.minBackoffMs * 2 ** (serverFailures - 1)));
        continue;
      }
      throw error;
    }
  }

  /** One call through the amoCRM instance; no answer at all rejects with AmoNetworkError (its interceptor). */
  private send(req: AmoRequest<z.ZodType>, url: string, accessToken: string): Promise<AxiosResponse<string>> {
    return this.http.request<string>({
      method: req.method,
      url,
      headers: { Authorization: `Bearer ${accessToken}` },
      data: req.body,
      ...(this.options.timeoutMs ? { timeout: this.options.timeoutMs } : {}),
    });
  }

  /**
   * The answer to a blocked account's probe: any API answer (even a refusal or a 429) means amoCRM serves the
   * account again, so the block is cleared for every process. The block page again keeps it (the 403 branch
   * renews it); a 5xx proves nothing, so the block stays until the next probe.
   */
  private async afterProbe(response: AxiosResponse<string>, where: { method: string; url: string }): Promise<void> {
    if (isBlockPage(response) || response.status >= 500) {
      this.logger.warn({ ...where, accountId: this.accountId, status: response.status }, 'amoCRM block probe: still blocked');
      return;
    }
    await this.limiter.unblock(this.accountId);
    this.logger.info({ ...where, accountId: this.accountId, status: response.status }, 'amoCRM answers again: the account block is cleared');
  }

  private async currentTokens(): Promise<AmoTokens> {
    if (!this.tokens) this.tokens = await this.options.tokenStore.load(this.accountId);
    if (!this.tokens) throw await this.needsReinstall(new AmoAuthError(`no amoCRM tokens stored for account ${this.accountId}`));
    return this.tokens;
  }

  /**
   * Single-flight refresh: under the store's lock, re-read the pair; if someone already rotated it, use theirs,
   * otherwise rotate and SAVE before returning. Long-lived tokens (no refresh token) cannot be refreshed.
   */
  private async refreshAfterRejection(rejected: AmoTokens): Promise<AmoTokens> {
    const store = this.options.tokenStore;
    const fresh = await store.withRefreshLock(this.accountId, async () => {
      const latest = await store.load(this.accountId);
      if (latest && latest.accessToken !== rejected.accessToken) return latest;
      if (!latest?.refreshToken) throw new AmoAuthError('access token rejected and no refresh token to rotate');
      const permit = await this.limiter.acquire(this.accountId); // the token endpoint is on the same account host and budget
      const rotated = await refreshTokens(latest.refreshToken, {
        baseUrl: this.baseUrl,
        credentials: this.options.credentials,
        http: this.http,
        now: this.now,
      });
      await store.save(this.accountId, rotated);
      this.logger.info({ accountId: this.accountId }, 'amoCRM tokens rotated');
      if (permit.probe) await this.limiter.unblock(this.accountId); // the token endpoint answered: not blocked
      return rotated;
    }).catch(async (error: unknown) => {
      if (error instanceof AmoAuthError) throw await this.needsReinstall(error);
      throw error;
    });
    this.tokens = fresh;
    return fresh;
  }

  private async needsReinstall(error: AmoAuthError): Promise<AmoAuthError> {
    this.tokens = null;
    this.logger.error({ accountId: this.accountId, status: error.status }, 'amoCRM authorization lost; the integration needs reinstalling');
    await this.options.onNeedsReinstall?.(this.accountId, error);
    return error;
  }

  private async tripBreaker(response: AxiosResponse<string>, where: { method: string; url: string }, requestId: string | undefined): Promise<AmoBlockedError> {
    const state = await this.limiter.block(this.accountId, `HTTP 403 on ${where.method} ${new URL(where.url).pathname}`);
    const error = blockedError(this.accountId, state);
    const detail = safeProblem(response.data)?.detail;
    const enriched = new AmoBlockedError(error.message, { accountId: this.accountId, blockedSince: state.since, status: 403, requestId, detail, ...where });
    this.logger.error({ ...where, accountId: this.accountId, requestId }, 'amoCRM answered 403: all calls for the account are stopped');
    await this.options.onBlocked?.(this.accountId, enriched);
    return enriched;
  }

  private parse<Schema extends z.ZodType>(schema: Schema, body: string, where: { method: string; url: string; requestId: string | undefined }): z.infer<Schema> {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (cause) {
      const error = new AmoResponseShapeError('amoCRM answered with a body that is not JSON', { ...where, cause, issues: [] });
      this.logger.error({ ...where }, error.message);
      throw error;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const error = new AmoResponseShapeError('amoCRM answered with an unexpected shape', { ...where, issues: parsed.error.issues, cause: parsed.error });
    this.logger.error({ ...where, path: error.path, issue: parsed.error.issues[0]?.message }, error.message); // no body: personal data
    throw error;
  }
}

/**
 * amoCRM's two 403s: a problem+json answer refuses this call only (e.g. a manager's token on an admin endpoint);
 * anything else (its nginx HTML page) is the account/IP block for repeated limit violations. (The split by body
 * type is our inference from the documented error shapes; amoCRM does not state it.)
 */
function isBlockPage(response: AxiosResponse<string>): boolean {
  return response.status === 403 && !safeProblem(response.data);
}

function header(response: AxiosResponse, name: string): string | undefined {
  const value = response.headers[name] as unknown;
  return value === undefined || value === null ? undefined : String(value);
}
