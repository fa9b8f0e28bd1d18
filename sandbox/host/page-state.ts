import type { HostColorScheme, HostLanguage, WidgetInstallStatus } from './types.js';

// The state each page hands to the browser runtime (assets/host-runtime.js) in
// <script type="application/json" id="amo-host-state">. The runtime builds APP and the widget's
// `self` from it. On client-side navigation the runtime reads the same block from the next page.

/** Where the widget runs on this page; `null` when the page has no widget location. */
export type HostLocation = 'cucard' | 'culist' | 'settings' | 'advanced_settings';

export type HostPageState = {
  page: {
    location: HostLocation | null;
    /** `self.system().area`. amoCRM's own widget branches on 'advanced-settings' (hyphen) there. */
    area: string | null;
    /** `APP.getWidgetsArea()`: customers, customers_card, widgetsSettings, advanced-settings:{code}. */
    widgetsArea: string;
    /** `APP.getBaseEntity()`. */
    baseEntity: string;
    isCard: boolean;
    /** `APP.data.current_card`; false outside cards, as in amoCRM. */
    card: false | { id: number; elementType: number; attributes: Record<string, unknown> };
    /** Whether the widget is built on this page (manifest location + install state). */
    runWidget: boolean;
    /** Whether render_template may draw a block in the right-hand column (`-1` locations). */
    rightPanel: boolean;
  };
  account: { id: number; subdomain: string; name: string; baseUrl: string };
  user: { id: number; name: string; email: string; isAdmin: boolean };
  lang: HostLanguage;
  theme: HostColorScheme;
  widget: null | {
    code: string;
    version: string;
    /** Base URL of the widget files (`self.params.path`), no trailing slash. */
    path: string;
    status: WidgetInstallStatus;
    active: boolean;
    settings: Record<string, string>;
    locations: string[];
    proxyUrl: string;
    clientUuid: string;
    /** The i18n object of the current language (`self.langs`). */
    langs: unknown;
    manifestSettings: Record<string, { name: string; type: string; required?: boolean | undefined }>;
  };
  urls: {
    /** Mount point of the host router, e.g. `/a/demo`. */
    base: string;
    token: string;
    widgetState: string;
    assets: string;
  };
};
