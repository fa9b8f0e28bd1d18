// The part of the amoCRM widget SDK we use (https://www.amocrm.ru/developers/content/integrations/script_js and web_sdk/mechanics).
// Only what this widget calls is typed; everything is read-only from our side.

/** The jQuery Deferred returned by `$.ajax`, reduced to the `then` we rely on. */
export type DeferredLike<T = unknown> = {
  then(
    done: (data: T, textStatus: string, xhr: XhrLike) => void,
    fail: (xhr: XhrLike, textStatus: string, errorThrown: unknown) => void,
  ): unknown;
};

/** The fields of jqXHR we read. */
export type XhrLike = { status: number; responseText?: string; getResponseHeader?(name: string): string | null };

export type AjaxOptions = {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  data?: string;
  contentType?: string;
  dataType: 'text';
};

/** A jQuery collection as the settings modal hands it over; only the methods we call. */
export type JQueryLike = {
  [index: number]: HTMLElement | undefined;
  length: number;
  find(selector: string): JQueryLike;
  val(value: string): JQueryLike;
  trigger(eventName: string): JQueryLike;
};

export type WidgetParams = {
  widget_code?: string;
  path?: string;
  version?: string;
  active?: 'Y' | 'N';
  status?: string;
  /**
   * Not an amoCRM parameter: the sandbox host page (and a self-hosted install) may pass the proxy
   * origin here to override the build-time WIDGET_PROXY_URL. See widget/lib/proxy-url.ts.
   */
  proxy_url?: string;
  [key: string]: unknown;
};

export type SaveEvent = { active?: 'Y' | 'N'; fields?: Record<string, unknown> };

export type WidgetCallbacks = {
  render(): boolean;
  init(): boolean;
  bind_actions(): boolean;
  settings($modalBody: JQueryLike | HTMLElement): boolean;
  onSave(evt?: SaveEvent): Promise<boolean>;
  advancedSettings(): boolean;
  destroy(): void;
};

export type AmoWidgetSelf = {
  params: WidgetParams;
  langs?: Record<string, unknown>;
  i18n?(key: string): unknown;
  get_version(): string;
  get_settings?(): Record<string, unknown>;
  system?(): { area?: string; amouser_id?: number; subdomain?: string };
  render_template(
    template: { caption: { class_name: string; html?: string }; body: string; render: string },
    params?: Record<string, unknown>,
  ): void;
  $authorizedAjax(options: AjaxOptions): DeferredLike<string>;
  openWidgetSettings?(options?: { onClose?: () => void }): void;
  callbacks?: WidgetCallbacks;
};

/** The read-only `APP` global of the host page; only documented keys (https://www.amocrm.ru/developers/content/web_sdk/env_variables). */
export type AmoApp = {
  lang_id?: string;
  data?: { current_card?: false | { id: number | string } };
  getBaseEntity?(): string;
  isCard?(): boolean;
  getWidgetsArea?(): string;
};
