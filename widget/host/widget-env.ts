import { createWidgetApi } from '../api/client.js';
import { createTransport } from '../api/transport.js';
import type { WidgetEnv } from '../lib/env.js';
import { createTranslator } from '../lib/i18n.js';
import { resolveProxyUrl } from '../lib/proxy-url.js';
import type { AmoWidgetSelf } from '../sdk/types.js';

/** Builds what the components need from the amoCRM widget object. */
export function createWidgetEnv(self: AmoWidgetSelf): WidgetEnv {
  const i18nSection = typeof self.i18n === 'function' ? (section: string) => self.i18n?.(section) : undefined;
  const t = createTranslator(self.langs, i18nSection);
  const intlTag = t('lang.intl');
  const intlLocale = intlTag === 'lang.intl' ? 'ru-RU' : intlTag;
  // The proxy localises problem `detail` by Accept-Language; it knows ru and en.
  const language = intlLocale.split('-')[0] ?? 'ru';
  const transport = createTransport(self, resolveProxyUrl(self.params), language);
  const openWidgetSettings = self.openWidgetSettings;
  return {
    api: createWidgetApi(transport),
    t,
    intlLocale,
    ...(typeof openWidgetSettings === 'function' ? { openSettings: () => openWidgetSettings.call(self) } : {}),
  };
}
