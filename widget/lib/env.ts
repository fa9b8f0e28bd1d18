import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { WidgetApi } from '../api/client.js';
import type { Translate } from './i18n.js';

/** What every component needs from the host: the API, strings, and the locale for Intl. */
export type WidgetEnv = {
  api: WidgetApi;
  t: Translate;
  /** BCP 47 tag for Intl formatting, from the locale file (`lang.intl`). */
  intlLocale: string;
  /** Opens the widget's settings modal when the host supports it; otherwise a link is shown. */
  openSettings?: () => void;
};

export const WidgetEnvContext = createContext<WidgetEnv | null>(null);

export function useWidgetEnv(): WidgetEnv {
  const env = useContext(WidgetEnvContext);
  if (!env) throw new Error('WidgetEnvContext is missing: wrap the tree in <WidgetEnvContext.Provider>');
  return env;
}
