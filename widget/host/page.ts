import type { AmoApp, AmoWidgetSelf, JQueryLike } from '../sdk/types.js';

/** The host's `APP` global, read only (moderation forbids changing it). */
export function hostApp(): AmoApp | undefined {
  return (globalThis as { APP?: AmoApp }).APP;
}

/**
 * The id of the customer whose card is open, or null when we must not draw: not a card, a new
 * unsaved card (`id == 0`), or a card of another entity.
 */
export function currentCustomerId(self: AmoWidgetSelf, app: AmoApp | undefined): number | null {
  const card = app?.data?.current_card;
  if (!card) return null;
  const id = Number(card.id);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  // The manifest declares no other card location, so either signal is enough; the exact `area`
  // string amoCRM reports in a customer card is unconfirmed, hence the base entity as a second source.
  const area = self.system?.().area;
  const entity = app?.getBaseEntity?.();
  const isCustomerCard = area === 'cucard' || entity === 'customers' || (area === undefined && entity === undefined);
  return isCustomerCard ? id : null;
}

const stylesheetId = (self: AmoWidgetSelf) => `msk-widget-style-${self.params.widget_code ?? 'msk'}`;

/** Adds `<link rel=stylesheet>` for our style.css once per page, versioned to bust the cache. */
export function linkStylesheet(self: AmoWidgetSelf): void {
  const id = stylesheetId(self);
  if (document.getElementById(id) || !self.params.path) return;
  const link = document.createElement('link');
  link.id = id;
  link.rel = 'stylesheet';
  link.href = `${self.params.path}/style.css?v=${encodeURIComponent(self.get_version())}`;
  document.head.appendChild(link);
}

/**
 * `destroy`: takes our `<link>` away again, unless a block of ours still shows on the page (another widget object of
 * ours, e.g. the settings modal over a card, still needs the styles; it links them again on its next render).
 */
export function unlinkStylesheet(self: AmoWidgetSelf): void {
  if (document.querySelector('.msk-widget:not(:empty)')) return;
  document.getElementById(stylesheetId(self))?.remove();
}

/**
 * Where the advanced settings page goes: `#work-area-<code>` is what current widgets use,
 * `#list_page_holder` is what amo-docs names; which one amoCRM renders today is unconfirmed.
 */
export function advancedSettingsHolder(self: AmoWidgetSelf): HTMLElement | null {
  const code = self.params.widget_code;
  const workArea = code ? document.getElementById(`work-area-${code}`) : null;
  return workArea ?? document.getElementById('list_page_holder');
}

/** A fresh root element of ours, appended to `parent`. */
export function createRoot(parent: Element, modifier: string): HTMLElement {
  const root = document.createElement('div');
  root.className = `msk-widget msk-widget--${modifier}`;
  parent.appendChild(root);
  return root;
}

/** The modal body may come as a jQuery collection (documented) or, defensively, a bare element. */
export function modalElement(modalBody: JQueryLike | HTMLElement): HTMLElement | null {
  if (modalBody instanceof HTMLElement) return modalBody;
  return modalBody[0] ?? null;
}

/** Where the settings form goes: the custom-field container amoCRM renders, else the form block. */
export function settingsHolder(modal: HTMLElement, code: string | undefined): HTMLElement {
  const custom = code ? modal.querySelector<HTMLElement>(`#${CSS.escape(code)}_custom_content`) : null;
  return custom ?? modal.querySelector<HTMLElement>('.widget_settings_block') ?? modal;
}

/**
 * Writes the hidden `config` custom input and fires `change` the jQuery way, so amoCRM's form
 * notices it and enables Install/Save (the documented consent pattern).
 */
export function configWriter(modalBody: JQueryLike | HTMLElement): (value: string) => void {
  return (value) => {
    if (!(modalBody instanceof HTMLElement)) {
      modalBody.find('input[name="config"]').val(value).trigger('change');
      return;
    }
    const input = modalBody.querySelector<HTMLInputElement>('input[name="config"]');
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
}

export function storedConfig(self: AmoWidgetSelf, modal: HTMLElement | null): unknown {
  const fromInput = modal?.querySelector<HTMLInputElement>('input[name="config"]')?.value;
  return fromInput || self.get_settings?.().config || self.params.config;
}
