import type { HostLocation, HostPageState } from './page-state.js';
import type { HostAccount, HostColorScheme, HostLanguage, WidgetInstallState } from './types.js';
import type { WidgetArchive } from './widget-archive.js';

// Builds the state a page hands to the browser runtime. Kept apart from the routes so the rules
// (which locations the manifest enables, what `self.params` holds) can be tested without HTTP.

export type PagePlace = {
  location: HostLocation | null;
  area: string | null;
  widgetsArea: string;
  baseEntity: string;
  card: HostPageState['page']['card'];
};

export type PageStateInput = {
  place: PagePlace;
  account: HostAccount;
  accountBaseUrl: string;
  mountPath: string;
  lang: HostLanguage;
  theme: HostColorScheme;
  archive: WidgetArchive | null;
  widgetCode: string;
  install: WidgetInstallState;
  proxyOrigin: string;
  clientId: string;
};

export function buildPageState(input: PageStateInput): HostPageState {
  const { archive, mountPath } = input;
  const user = input.account.currentUser;
  const location = input.place.location;
  const locations = archive?.manifest.locations ?? [];
  return {
    page: {
      ...input.place,
      isCard: input.place.card !== false,
      runWidget: archive !== null && location !== null && widgetRunsAt(location, locations, input.install),
      rightPanel: location !== null && input.place.card !== false && usesRightPanel(location, locations),
    },
    account: { id: input.account.id, subdomain: input.account.subdomain, name: input.account.name, baseUrl: input.accountBaseUrl },
    user: { id: user.id, name: user.name, email: user.email ?? '', isAdmin: user.isAdmin },
    lang: input.lang,
    theme: input.theme,
    widget: archive
      ? {
          code: input.widgetCode,
          version: archive.manifest.widget.version,
          path: `${mountPath}/widgets/${input.widgetCode}`,
          status: input.install.status,
          active: input.install.active,
          settings: input.install.settings,
          locations: archive.manifest.locations,
          proxyUrl: input.proxyOrigin,
          clientUuid: input.clientId,
          langs: widgetLangs(archive, input.lang),
          manifestSettings: archive.manifest.settings,
        }
      : null,
    urls: {
      base: mountPath,
      token: `${mountPath}/host-api/disposable-token`,
      widgetState: `${mountPath}/host-api/widget-state`,
      assets: `${mountPath}/host-assets`,
    },
  };
}

/** The i18n file of the page language, or the first locale the widget ships when it lacks that one. */
export function widgetLangs(archive: WidgetArchive, lang: HostLanguage): unknown {
  return archive.langs[lang] ?? archive.langs[archive.manifest.widget.locale[0] ?? ''] ?? {};
}

/**
 * Whether amoCRM would run the widget here. Cards need the location in the manifest (`cucard`,
 * `cucard-1` or `cucard-0`); settings pages need `settings` / `advanced_settings`. A widget runs in
 * cards and lists only once installed and active; the settings modal works before installation.
 */
export function widgetRunsAt(location: HostLocation, locations: string[], install: WidgetInstallState): boolean {
  const declared = locations.some((l) => l === location || l.startsWith(`${location}-`)) || locations.includes('everywhere');
  if (location === 'settings') return declared;
  if (location === 'advanced_settings') return declared && install.status === 'installed';
  return declared && install.status === 'installed' && install.active;
}

/** `-0` means "initialise without a right-panel block" (amo-docs integrations/areas); default is `-1`. */
export function usesRightPanel(location: HostLocation, locations: string[]): boolean {
  return locations.includes(location) || locations.includes(`${location}-1`) || locations.includes('everywhere');
}
