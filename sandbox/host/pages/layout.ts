import { escapeHtml, jsonForScriptTag } from '../html.js';
import type { HostStrings } from '../host-i18n.js';
import type { HostPageState } from '../page-state.js';

// The amoCRM-like frame: left menu, top bar, content. The page state sits *inside* #page-content so
// that a client-side navigation swaps content and state together.

export type PageBody = { title: string; content: string; menu: 'customers' | 'settings' };

export type LayoutInput = {
  state: HostPageState;
  strings: HostStrings;
  body: PageBody;
  /** Title of the widget's advanced settings page; shown in the menu when the widget has one. */
  advancedTitle: string | null;
};

export function renderLayout({ state, strings, body, advancedTitle }: LayoutInput): string {
  const base = state.urls.base;
  const menuItem = (href: string, label: string, key: PageBody['menu'] | 'advanced', active: boolean) =>
    `<a class="amo-left-menu__item${active ? ' amo-left-menu__item--active' : ''}" data-menu="${key}" data-host-nav href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const advancedLink =
    advancedTitle && state.widget
      ? menuItem(`${base}/settings/widget/${state.widget.code}`, advancedTitle, 'advanced', state.page.location === 'advanced_settings')
      : '';
  return `<!doctype html>
<html lang="${state.lang}" data-color-scheme="${state.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(body.title)} — ${escapeHtml(state.account.name)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${state.urls.assets}/host.css">
</head>
<body>
<div class="amo-layout">
  <nav class="amo-left-menu" aria-label="menu">
    <div class="amo-left-menu__logo">amo</div>
    ${menuItem(`${base}/customers`, strings.customers, 'customers', body.menu === 'customers')}
    ${menuItem(`${base}/settings/widgets`, strings.settings, 'settings', body.menu === 'settings' && state.page.location !== 'advanced_settings')}
    ${advancedLink}
  </nav>
  <div class="amo-main">
    <header class="amo-top-bar">
      <span class="amo-top-bar__account">${escapeHtml(state.account.name)}</span>
      <span class="amo-top-bar__user">${escapeHtml(state.user.name)}</span>
      <label class="amo-top-bar__theme"><input type="checkbox" id="host-theme-toggle"${state.theme === 'dark' ? ' checked' : ''}> ${escapeHtml(strings.theme)}</label>
    </header>
    <main id="page-content" data-location="${state.page.location ?? ''}">
      <h1 class="amo-page-title">${escapeHtml(body.title)}</h1>
      ${body.content}
      <script type="application/json" id="amo-host-state">${jsonForScriptTag(state)}</script>
    </main>
  </div>
</div>
<div id="amo-notifications" aria-live="polite"></div>
<script src="${state.urls.assets}/require.js"></script>
<script src="${state.urls.assets}/app-global.js"></script>
<script src="${state.urls.assets}/widget-sdk.js"></script>
<script src="${state.urls.assets}/host-runtime.js"></script>
</body>
</html>`;
}
