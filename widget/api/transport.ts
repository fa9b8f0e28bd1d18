import type { AmoWidgetSelf, XhrLike } from '../sdk/types.js';
import { WidgetApiError, errorFromResponse } from './errors.js';

export type RequestOptions = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
};

export type Transport = <T>(options: RequestOptions) => Promise<T>;

/**
 * Turns `self.$authorizedAjax` (jQuery Deferred, adds the X-Auth-Token header) into a Promise-based
 * JSON transport. We ask jQuery for `text` and parse ourselves: with `dataType: 'json'` jQuery
 * reports an empty 202/204 body as a parse error.
 */
export function createTransport(self: AmoWidgetSelf, baseUrl: string, language: string): Transport {
  return <T>(options: RequestOptions) =>
    new Promise<T>((resolve, reject) => {
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
          (text: string, _status: string, xhr: XhrLike) => {
            if (xhr.status === 202 || xhr.status === 204 || !text) {
              resolve(undefined as T);
              return;
            }
            try {
              resolve(JSON.parse(text) as T);
            } catch {
              reject(new WidgetApiError('unexpected_response', xhr.status, null));
            }
          },
          (xhr: XhrLike) => reject(errorFromResponse(xhr.status, xhr.responseText)),
        );
    });
}
