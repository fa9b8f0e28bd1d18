import en from '../../i18n/en.json' with { type: 'json' };
import ru from '../../i18n/ru.json' with { type: 'json' };
import type { AjaxOptions, AmoWidgetSelf, DeferredLike, XhrLike } from '../sdk/types.js';
import { PROXY_URL } from './fixtures.js';

export type FakeSelfOptions = { lang?: 'ru' | 'en'; widgetCode?: string; area?: string };
export type FakeSelf = AmoWidgetSelf & { ajaxCalls: AjaxOptions[] };

/**
 * A stand-in for amoCRM's widget object. `$authorizedAjax` goes through fetch (so msw sees it),
 * adds X-Auth-Token like amoCRM does, and answers with a jQuery-Deferred-like thenable.
 */
export function createFakeSelf({ lang = 'ru', widgetCode = 'msk_test', area = 'cucard' }: FakeSelfOptions = {}): FakeSelf {
  const ajaxCalls: AjaxOptions[] = [];
  return {
    params: { widget_code: widgetCode, path: 'https://widgets.test/msk', version: '1.0.0', proxy_url: PROXY_URL },
    langs: lang === 'en' ? en : ru,
    get_version: () => '1.0.0',
    get_settings: () => ({}),
    system: () => ({ area }),
    render_template({ caption, body }) {
      let column = document.getElementById('widgets_block');
      if (!column) {
        column = document.createElement('div');
        column.id = 'widgets_block';
        document.body.appendChild(column);
      }
      column.insertAdjacentHTML('beforeend', `<div class="card-widgets__widget"><div class="${caption.class_name}"></div>${body}</div>`);
    },
    ajaxCalls,
    $authorizedAjax(options) {
      ajaxCalls.push(options);
      const headers: Record<string, string> = { ...options.headers, 'X-Auth-Token': 'test-disposable-token' };
      if (options.contentType) headers['Content-Type'] = options.contentType;
      const answer = fetch(options.url, { method: options.method, headers, body: options.data }).then(
        async (response): Promise<XhrLike & { responseText: string }> => ({
          status: response.status,
          responseText: await response.text(),
          getResponseHeader: (name) => response.headers.get(name),
        }),
        () => ({ status: 0, responseText: '' }),
      );
      const deferred: DeferredLike<string> = {
        then(done, fail) {
          void answer.then((xhr) => {
            // jQuery counts 304 ("notmodified") as a success, with no body.
            if ((xhr.status >= 200 && xhr.status < 300) || xhr.status === 304) done(xhr.responseText, 'success', xhr);
            else fail(xhr, 'error', '');
          });
          return deferred;
        },
      };
      return deferred;
    },
  };
}
