import axios, { type AxiosAdapter, type AxiosInstance, isAxiosError } from 'axios';
import { userAgent } from '../version.js';
import { AmoNetworkError, redactUrl } from './errors.js';

export interface AmoHttpOptions {
  /** Our public origin, named in the User-Agent. */
  publicUrl?: string;
  /** Default timeout of a call (the transport may pass its own). */
  timeoutMs?: number;
  /** Tests: answer calls without a network. */
  adapter?: AxiosAdapter;
}

/**
 * The axios instance for amoCRM, shared by every account's transport: what is the same for every call is set here
 * once, what differs per account (base URL, bearer token, pacing) stays in AmoTransport.
 *
 * - Every status resolves (`validateStatus`): 401, 403, 429 and problem+json answers each have their own handling
 *   in the transport, which also needs the raw body — amoCRM's block page is HTML — so bodies stay text and the
 *   transport parses and validates them (zod).
 * - No redirects: one to another host would carry our token.
 * - Request bodies are objects; axios serialises them as JSON with its Content-Type.
 * - An interceptor turns "no answer at all" (connection refused, reset, timeout) into AmoNetworkError with a
 *   redacted URL, in one place for every call (token calls included).
 */
export function createAmoHttp(options: AmoHttpOptions = {}): AxiosInstance {
  const http = axios.create({
    timeout: options.timeoutMs ?? 60_000,
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    headers: { Accept: 'application/json', 'User-Agent': userAgent(options.publicUrl) },
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });
  http.interceptors.response.use(undefined, (error: unknown) => {
    if (!isAxiosError(error)) return Promise.reject(error);
    const method = (error.config?.method ?? 'GET').toUpperCase();
    const url = error.config?.url ?? '';
    const path = url ? new URL(url).pathname : '';
    return Promise.reject(new AmoNetworkError(`amoCRM ${method} ${path}: no response`, { method, url: redactUrl(url), cause: error }));
  });
  return http;
}

const shared = new Map<string, AxiosInstance>();

/** One instance per process (per public URL, which the User-Agent names). */
export function amoHttp(publicUrl?: string): AxiosInstance {
  const key = publicUrl ?? '';
  let http = shared.get(key);
  if (!http) {
    http = createAmoHttp(publicUrl ? { publicUrl } : {});
    shared.set(key, http);
  }
  return http;
}
