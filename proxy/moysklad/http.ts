import axios, { type AxiosAdapter, type AxiosInstance, isAxiosError } from 'axios';
import { userAgent } from '../version.js';
import { MoySkladNetworkError, redactUrl } from './errors.js';

export interface MoySkladHttpOptions {
  /** Our public origin: named in the User-Agent, and the prefix that stops our own writes coming back as webhooks. */
  publicUrl: string;
  /** Default timeout of a call (the transport may pass its own). */
  timeoutMs?: number;
  /** Tests: answer calls without a network. */
  adapter?: AxiosAdapter;
}

/**
 * The axios instance for МойСклад, shared by every user's transport: what is the same for every call is set here
 * once; what differs per user (credentials, the user's limiter, retries) stays in MoySkladTransport.
 *
 * - `Accept-Encoding: gzip` is mandatory (without it МойСклад answers 415 with an empty body); axios inflates.
 * - Every status resolves (`validateStatus`) and bodies stay text: the transport maps МойСклад's error bodies,
 *   feeds the rate headers to the limiter and validates successful bodies itself (zod).
 * - Request bodies are objects; axios serialises them as JSON with its Content-Type.
 * - Request interceptor: every write says `X-Lognex-WebHook-DisableByPrefix: <our public URL>`, so МойСклад sends us
 *   no webhook for what we changed ourselves (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki,
 *   «Заголовок временного отключения X-Lognex-WebHook-DisableByPrefix через API»).
 * - Response interceptor: "no answer at all" (refused, reset, timeout) becomes MoySkladNetworkError with a
 *   redacted URL, which the retry policy understands.
 */
export function createMoySkladHttp(options: MoySkladHttpOptions): AxiosInstance {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const http = axios.create({
    timeout: options.timeoutMs ?? 300_000, // heavy МойСклад requests may take minutes; a short timeout plus retries would duplicate writes
    maxRedirects: 5,
    decompress: true,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    headers: { 'Accept-Encoding': 'gzip', 'User-Agent': userAgent(publicUrl) },
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });
  http.interceptors.request.use((config) => {
    if ((config.method ?? 'get').toUpperCase() !== 'GET') config.headers.set('X-Lognex-WebHook-DisableByPrefix', publicUrl);
    return config;
  });
  http.interceptors.response.use(undefined, (error: unknown) => {
    if (!isAxiosError(error)) return Promise.reject(error);
    const method = (error.config?.method ?? 'GET').toUpperCase();
    const url = error.config?.url ?? '';
    const path = url ? new URL(url).pathname : '';
    return Promise.reject(new MoySkladNetworkError(`МойСклад ${method} ${path}: no response (${error.code ?? 'network error'})`, { request: { method, url: redactUrl(url) }, cause: error }));
  });
  return http;
}

const shared = new Map<string, AxiosInstance>();

/** One instance per process (per public URL, which its headers carry). */
export function moyskladHttp(publicUrl: string): AxiosInstance {
  let http = shared.get(publicUrl);
  if (!http) {
    http = createMoySkladHttp({ publicUrl });
    shared.set(publicUrl, http);
  }
  return http;
}
