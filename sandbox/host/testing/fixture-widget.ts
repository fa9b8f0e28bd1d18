import { strToU8, zipSync } from 'fflate';

// A tiny but complete widget.zip for host tests: manifest, i18n, a 1×1 PNG and a script.js whose
// callbacks record what the host does to them (window.fixtureWidgetLog). It is independent of the
// real widget so the host can be tested on its own.

const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export const FIXTURE_MANIFEST = {
  widget: {
    name: 'widget.name',
    description: 'widget.description',
    short_description: 'widget.short_description',
    version: '0.0.7',
    interface_version: 2,
    init_once: false,
    locale: ['ru', 'en'],
    installation: true,
    support: { link: 'https://example.com', email: 'support@example.com' },
  },
  locations: ['settings', 'advanced_settings', 'cucard-1'],
  settings: { config: { name: 'settings.config', type: 'custom', required: true } },
  advanced: { title: 'advanced.title' },
};

const i18n = (lang: 'ru' | 'en') => ({
  widget: {
    name: lang === 'ru' ? 'Тестовый виджет' : 'Fixture widget',
    description: 'Account #ACCOUNT_ID# at #SUBDOMAIN#',
    short_description: lang === 'ru' ? 'Для тестов' : 'For tests',
  },
  settings: { config: 'Config' },
  advanced: { title: lang === 'ru' ? 'Тестовая страница' : 'Fixture page' },
  greeting: { hello: lang === 'ru' ? 'Привет' : 'Hello' },
});

/**
 * The fixture's script.js (an anonymous AMD module depending on jquery, like a Vite UMD build).
 * `onSave` rejects while the hidden config input is `{"reject":true}` so tests can see the modal stay open.
 */
export const FIXTURE_SCRIPT = `define(['jquery'], function ($) {
  return function FixtureWidget() {
    var self = this;
    var log = (window.fixtureWidgetLog = window.fixtureWidgetLog || []);
    var onClick = function () { log.push('click'); };
    this.callbacks = {
      render: function () {
        log.push('render:' + self.system().area);
        if (APP.isCard()) {
          self.render_template({ caption: { class_name: 'fixture-caption' }, body: '<div class="fixture-root" data-card="' + APP.data.current_card.id + '">' + self.i18n('greeting').hello + '</div>', render: '' });
        }
        return Promise.resolve(true);
      },
      init: function () {
        log.push('init');
        window.fixtureOpenSettings = function () { self.openWidgetSettings(); };
        window.fixtureAuthorizedAjax = function (url) {
          return self.$authorizedAjax({ url: url, method: 'GET', dataType: 'text' });
        };
        return true;
      },
      bind_actions: function () { log.push('bind_actions'); $(document).on('click.fixture', onClick); return true; },
      settings: function ($body) {
        log.push('settings');
        $body.find('#' + self.params.widget_code + '_custom_content').html('<label class="fixture-consent"><input type="checkbox"> ok</label>');
        return true;
      },
      onSave: function (evt) {
        log.push('onSave:' + evt.active);
        if (evt.fields.config === '{"reject":true}') return Promise.reject(new Error('fixture refuses'));
        return Promise.resolve(true);
      },
      advancedSettings: function () {
        log.push('advancedSettings');
        document.getElementById('work-area-' + self.params.widget_code).innerHTML = '<p class="fixture-advanced">advanced</p>';
      },
      destroy: function () { log.push('destroy'); $(document).off('.fixture'); }
    };
    return this;
  };
});
`;

export function buildFixtureWidgetZip(overrides: { manifest?: unknown; script?: string } = {}): Uint8Array {
  return zipSync({
    'manifest.json': strToU8(JSON.stringify(overrides.manifest ?? FIXTURE_MANIFEST)),
    'script.js': strToU8(overrides.script ?? FIXTURE_SCRIPT),
    'style.css': strToU8('.fixture-root { color: var(--palette-text-primary); }'),
    'i18n/ru.json': strToU8(JSON.stringify(i18n('ru'))),
    'i18n/en.json': strToU8(JSON.stringify(i18n('en'))),
    'images/logo_main.png': ONE_PIXEL_PNG,
    'images/logo_medium.png': ONE_PIXEL_PNG,
    'images/logo_small.png': ONE_PIXEL_PNG,
  });
}
