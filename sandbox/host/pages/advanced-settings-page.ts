import { escapeHtml } from '../html.js';
import type { PageBody } from './layout.js';

// The widget's own page under Settings. amo-docs name #list_page_holder; the Kommo template and real
// widgets mount into #work-area-<code>. Which one amoCRM renders today is unconfirmed, so both exist.
export function renderAdvancedSettingsPage(title: string, widgetCode: string): PageBody {
  return {
    title,
    menu: 'settings',
    content: `<div id="list_page_holder" class="advanced-settings"><div id="work-area-${escapeHtml(widgetCode)}" class="advanced-settings__work-area"></div></div>`,
  };
}
