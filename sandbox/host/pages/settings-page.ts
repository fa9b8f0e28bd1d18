import { escapeHtml } from '../html.js';
import type { HostStrings } from '../host-i18n.js';
import type { HostPageState } from '../page-state.js';
import { translate } from '../widget-i18n.js';
import type { PageBody } from './layout.js';

// Settings → Integrations: the widget tile and its modal. The modal markup follows amoCRM's:
// the form lives in `.widget_settings_block`, a `custom` field gets `#<code>_custom_content` plus a
// hidden input named after the field, and Save/Install sits at the bottom.

export type SettingsPageInput = {
  strings: HostStrings;
  widget: NonNullable<HostPageState['widget']> | null;
  widgetError: string | null;
  /** widget.name, short_description and description (short-tags already replaced), translated. */
  texts: { name: string; shortDescription: string; description: string } | null;
  /** Tour image paths from the manifest for the page language (`/images/tour_1_ru.png`…). */
  tourImages: string[];
};

export function renderSettingsPage({ strings, widget, widgetError, texts, tourImages }: SettingsPageInput): PageBody {
  if (!widget || !texts) {
    return {
      title: strings.integrations,
      menu: 'settings',
      content: `<p class="amo-empty widget-missing">${escapeHtml(strings.widgetMissing)}: ${escapeHtml(widgetError ?? '')}</p>`,
    };
  }
  const installed = widget.status === 'installed';
  const fields = Object.entries(widget.manifestSettings)
    .map(([fieldCode, field]) => renderField(widget.code, fieldCode, field, translate(widget.langs, field.name), widget.settings[fieldCode] ?? ''))
    .join('\n');
  const content = `<section class="widgets-list">
  <button type="button" class="widget-tile" data-widget-code="${escapeHtml(widget.code)}">
    <img class="widget-tile__logo" alt="" src="${escapeHtml(widget.path)}/images/logo_main.png">
    <span class="widget-tile__name">${escapeHtml(texts.name)}</span>
    <span class="widget-tile__description">${escapeHtml(texts.shortDescription)}</span>
    <span class="widget-tile__status widget-tile__status--${installed ? 'installed' : 'install'}">${escapeHtml(installed ? strings.installed : strings.notInstalled)}</span>
  </button>
</section>
<div class="amo-modal" id="widget-settings-modal" hidden>
  <div class="amo-modal__overlay" data-modal-close></div>
  <div class="amo-modal__window widget-settings" role="dialog" aria-modal="true" data-widget-code="${escapeHtml(widget.code)}">
    <header class="widget-settings__header">
      <img class="widget-settings__logo" alt="" src="${escapeHtml(widget.path)}/images/logo_small.png">
      <h2>${escapeHtml(texts.name)}</h2>
      <button type="button" class="amo-modal__close" data-modal-close aria-label="${escapeHtml(strings.cancel)}">×</button>
    </header>
    <div class="amo-modal__body">
      ${renderTour(widget.path, tourImages)}
      <div class="widget-settings__desc">${texts.description}</div>
      <div class="widget-settings__desc-space"></div>
      <form class="widget_settings_block" onsubmit="return false">
        ${fields}
      </form>
      <p class="amo-modal__error" role="alert" hidden></p>
    </div>
    <footer class="amo-modal__footer">
      <button type="button" class="amo-button amo-button--primary js-widget-save">${escapeHtml(installed ? strings.save : strings.install)}</button>
      ${installed ? `<button type="button" class="amo-button amo-button--danger js-widget-disable">${escapeHtml(strings.disable)}</button>` : ''}
      <button type="button" class="amo-button js-widget-cancel" data-modal-close>${escapeHtml(strings.cancel)}</button>
    </footer>
  </div>
</div>`;
  return { title: strings.integrations, menu: 'settings', content };
}

// amoCRM shows the tour slides in the modal; paths in the manifest are relative to the archive root.
function renderTour(widgetPath: string, images: string[]): string {
  if (images.length === 0) return '';
  const slides = images
    .map((image) => `<img class="widget-settings__tour-image" alt="" loading="eager" src="${escapeHtml(`${widgetPath}/${image.replace(/^\/+/, '')}`)}">`)
    .join('');
  return `<div class="widget-settings__tour">${slides}</div>`;
}

function renderField(code: string, fieldCode: string, field: { type: string; required?: boolean | undefined }, label: string, value: string): string {
  const required = field.required ? ' data-required="true"' : '';
  const name = escapeHtml(fieldCode);
  if (field.type === 'custom') {
    // amoCRM renders the custom container and a hidden input the widget writes its JSON into.
    return `<div class="widget_settings_block__item widget_settings_block__item--custom">
  <div id="${escapeHtml(code)}_custom_content"></div>
  <input type="hidden" id="${escapeHtml(code)}_custom" name="${name}" value="${escapeHtml(value)}"${required}>
</div>`;
  }
  const inputType = field.type === 'pass' ? 'password' : 'text';
  return `<label class="widget_settings_block__item"><span class="widget_settings_block__title">${escapeHtml(label)}</span>
  <input class="widget_settings_block__input" type="${inputType}" name="${name}" value="${escapeHtml(value)}"${required}></label>`;
}
