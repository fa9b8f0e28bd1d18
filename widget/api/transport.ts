import type { AmoWidgetSelf, XhrLike } from '../sdk/types.js';
import type { Conditional } from './types.js';
import { WidgetApiError, errorFromResponse } from './errors.js';

export type RequestOptions = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
};

export type Transport = {
  <T>(options: RequestOptions): Promise<T>;
  /** A GET sent with `If-None-Match: etag` (when there is one): 304 reads as "not modified". */
  conditional<T>(path: string, etag: string | null): Promise<Conditional<T>>;
};

/**
 * Turns `self.$authorizedAjax` (jQuery Deferred, adds the X-Auth-Token header) into a Promise-based
 * JSON transport. We ask jQuery for `text` and parse ourselves: with `dataType: 'json'` jQuery
 * reports an empty 202/204 body as a parse error. jQuery counts 304 as a success with no body.
 */
export function createTransport(self: AmoWidgetSelf, baseUrl: string, language: string): Transport {
  const send = (options: RequestOptions) =>
    new Promise<{ text: string; xhr: XhrLike }>((resolve, reject) => {
      const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language, ...options.headers };
      self
        .$authorizedAjax({
          url: `${baseUrl}${options.path}`,
          method: options.method,
          headers,
          dataType: 'text',
          ...(options.body === undefined
            ? {}
            : { data: JSON.stringify(options.body), contentType: 'application/json' }),
        })
        .then(
          (text: string, _status: string, xhr: XhrLike) => resolve({ text, xhr }),
          (xhr: XhrLike) => reject(errorFromResponse(xhr.status, xhr.responseText)),
        );
    });
  const parse = <T>({ text, xhr }: { text: string; xhr: XhrLike }): T => {
    if (xhr.status === 202 || xhr.status === 204 || !text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new WidgetApiError('unexpected_response', xhr.status, null);
    }
  };
  const request = (<T>(options: RequestOptions) => send(options).then((answer) => parse<T>(answer))) as Transport;
  request.conditional = async <T>(path: string, etag: string | null): Promise<Conditional<T>> => {
    const answer = await send({ method: 'GET', path, ...(etag ? { headers: { 'If-None-Match': etag } } : {}) });
    if (answer.xhr.status === 304) return { notModified: true };
    const data = parse<T>(answer);
    if (data === undefined) throw new WidgetApiError('unexpected_response', answer.xhr.status, null);
    return { notModified: false, data, etag: answer.xhr.getResponseHeader?.('ETag') ?? null };
  };
  return request;
}
