/*
 * The host page runtime: loads script.js with RequireJS, runs the widget callbacks in amoCRM's order
 * (render → init, bind_actions; settings; onSave; advancedSettings; destroy) and switches pages
 * client-side like amoCRM's single-page UI, so leaving a card destroys the widget instance without a
 * reload — which is what exposes leaked roots and listeners.
 */
(function () {
  'use strict';

  var host = window.amoHost;
  var active = null; // the widget instance of the current area (or of the open settings modal)
  var navigation = 0; // bumps on every navigation; stale async work compares against it
  var pageCleanups = []; // document-level listeners a page added; removed when it is left

  function readState(root) {
    return JSON.parse(root.querySelector('#amo-host-state').textContent);
  }

  function configureRequire(state) {
    var paths = { jquery: state.urls.assets + '/jquery' };
    if (state.widget) paths['widgets/' + state.widget.code] = state.widget.path;
    var version = state.widget ? state.widget.version : '';
    window.requirejs.config({
      paths: paths,
      // amoCRM busts caches with the manifest version (`?v=`); only the widget's files need it.
      urlArgs: function (id, url) {
        return id.indexOf('widgets/') === 0 ? (url.indexOf('?') === -1 ? '?' : '&') + 'v=' + encodeURIComponent(version) : '';
      },
    });
  }

  function requireModule(id) {
    return new Promise(function (resolve, reject) {
      window.requirejs([id], resolve, reject);
    });
  }

  // amoCRM pages always have jQuery loaded before widgets run; $authorizedAjax relies on it even
  // when script.js itself does not list `jquery` among its dependencies.
  async function loadWidgetModule(widget) {
    await requireModule('jquery');
    return requireModule('widgets/' + widget.code + '/script');
  }

  /** render → (init, bind_actions); a Promise resolving `true` counts as true (Kommo's own widget). */
  async function startWidget(state, ticket) {
    var Ctor;
    try {
      Ctor = await loadWidgetModule(state.widget);
    } catch (error) {
      host.record('load:error', String(error && error.message));
      host.showToast('error', { header: 'script.js', text: String(error && error.message) });
      return null;
    }
    if (ticket !== navigation) return null;
    var instance;
    try {
      instance = host.createWidget(Ctor, state);
    } catch (error) {
      host.record('construct:error', String(error && error.message));
      return null;
    }
    active = instance;
    var rendered = await Promise.resolve(instance.call('render')).catch(function () { return false; });
    if (ticket !== navigation || active !== instance) return null;
    if (rendered !== true) {
      host.record('render:not-true', String(rendered));
      return instance;
    }
    instance.call('init');
    instance.call('bind_actions');
    return instance;
  }

  function destroyActive() {
    if (!active) return;
    var instance = active;
    active = null;
    instance.call('destroy');
  }

  async function enterPage(state) {
    var ticket = ++navigation;
    host.setState(state);
    configureRequire(state);
    var content = document.getElementById('page-content');
    content.removeAttribute('data-host-ready');
    host.record('page:enter', state.page.widgetsArea);
    if (state.page.location === 'settings') {
      bindSettingsModal(state);
    } else if (state.widget && state.page.runWidget) {
      var instance = await startWidget(state, ticket);
      if (instance && state.page.location === 'advanced_settings' && ticket === navigation) instance.call('advancedSettings');
    }
    if (ticket === navigation) content.setAttribute('data-host-ready', 'true');
  }

  function leavePage() {
    destroyActive();
    pageCleanups.splice(0).forEach(function (cleanup) { cleanup(); });
    host.record('page:leave');
    var $ = window.requirejs.defined('jquery') ? window.requirejs('jquery') : null;
    if ($) $(document).trigger('page:changed'); // what init_once widgets listen to (amo-docs web_sdk/init_once)
  }

  async function navigate(url, push) {
    var ticket = ++navigation;
    document.getElementById('page-content').removeAttribute('data-host-ready');
    var html;
    try {
      html = await (await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })).text();
    } catch (error) {
      window.location.href = url;
      return;
    }
    if (ticket !== navigation) return;
    var next = new DOMParser().parseFromString(html, 'text/html');
    var nextContent = next.getElementById('page-content');
    if (!nextContent) {
      window.location.href = url;
      return;
    }
    leavePage();
    document.getElementById('page-content').replaceWith(document.adoptNode(nextContent));
    document.querySelector('.amo-left-menu').replaceWith(document.adoptNode(next.querySelector('.amo-left-menu')));
    document.title = next.title;
    if (push) window.history.pushState({}, '', url);
    await enterPage(readState(document));
  }
  host.navigate = navigate;

  // ---- Settings → Integrations modal -------------------------------------------------------------

  function bindSettingsModal(state) {
    var modal = document.getElementById('widget-settings-modal');
    var tile = document.querySelector('.widget-tile');
    if (!modal || !tile || !state.widget) return;
    var $ = null;
    var escape = function (event) {
      if (event.key === 'Escape') close();
    };

    async function open() {
      var ticket = navigation;
      modal.hidden = false;
      modal.querySelector('.amo-modal__error').hidden = true;
      document.addEventListener('keydown', escape);
      host.record('modal:open');
      if (!state.page.runWidget) return;
      $ = await requireModule('jquery');
      var instance = await startWidget(state, ticket);
      if (instance && ticket === navigation && !modal.hidden) instance.call('settings', [$(modal.querySelector('.amo-modal__body'))]);
      modal.setAttribute('data-settings-ready', 'true');
    }

    // Closing the modal ends the settings area. amoCRM's exact behaviour is unconfirmed; calling
    // destroy here makes a widget that mounts UI into the modal unmount it every time.
    function close() {
      modal.hidden = true;
      modal.removeAttribute('data-settings-ready');
      document.removeEventListener('keydown', escape);
      destroyActive();
      host.record('modal:close');
    }

    function collectFields() {
      var fields = {};
      modal.querySelectorAll('.widget_settings_block [name]').forEach(function (input) {
        fields[input.name] = input.value;
      });
      return fields;
    }

    function showError(text) {
      var error = modal.querySelector('.amo-modal__error');
      error.textContent = text;
      error.hidden = false;
    }

    async function save(activeFlag) {
      modal.querySelector('.amo-modal__error').hidden = true;
      var before = collectFields();
      var missing = Array.prototype.some.call(modal.querySelectorAll('.widget_settings_block [data-required="true"]'), function (input) {
        return input.value.trim() === '';
      });
      if (activeFlag === 'Y' && missing) return showError(document.documentElement.lang === 'en' ? 'Fill in the required fields' : 'Заполните обязательные поля');
      var evt = { active: activeFlag, fields: Object.assign({}, before) };
      var buttons = modal.querySelectorAll('.amo-modal__footer button');
      buttons.forEach(function (b) { b.disabled = true; });
      try {
        var answer;
        try {
          answer = await Promise.resolve(active ? active.call('onSave', [evt]) : true);
        } catch (rejection) {
          // amo-docs (web_sdk/settings) says only that onSave returns true or a Promise; what amoCRM shows for a
          // rejected one is undocumented. The host keeps the modal open and shows nothing of its own: a widget must
          // say why itself, next to what the admin has to correct.
          host.record('onSave:rejected', String(rejection && rejection.message ? rejection.message : rejection));
          return;
        }
        if (answer === false) throw new Error(document.documentElement.lang === 'en' ? 'The widget refused to save' : 'Виджет не дал сохранить настройки');
        // The widget may write its value into evt.fields (Kommo's way) or into the hidden input.
        var after = collectFields();
        var settings = {};
        Object.keys(after).forEach(function (name) {
          var value = evt.fields[name] !== before[name] ? evt.fields[name] : after[name];
          settings[name] = typeof value === 'string' ? value : JSON.stringify(value);
        });
        if (activeFlag === 'N') destroyActive(); // amoCRM: onSave first, then destroy
        var response = await fetch(state.urls.widgetState, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ action: activeFlag === 'Y' ? 'save' : 'disable', settings: settings }),
        });
        if (!response.ok) throw new Error('amoCRM: ' + response.status);
        host.record(activeFlag === 'Y' ? 'widget:installed' : 'widget:disabled');
        close();
        await navigate(window.location.pathname + window.location.search, false);
      } catch (error) {
        // The host's own failures (a `false` answer, saving the state) are the host's to say.
        host.record('onSave:failed', String(error && error.message ? error.message : error));
        showError(error && error.message ? error.message : String(error));
      } finally {
        buttons.forEach(function (b) { b.disabled = false; });
      }
    }

    pageCleanups.push(function () { document.removeEventListener('keydown', escape); });
    tile.addEventListener('click', open);
    modal.querySelectorAll('[data-modal-close]').forEach(function (el) { el.addEventListener('click', close); });
    modal.querySelector('.js-widget-save').addEventListener('click', function () { save('Y'); });
    var disable = modal.querySelector('.js-widget-disable');
    if (disable) disable.addEventListener('click', function () { save('N'); });
    if (window.location.hash === '#open-widget-settings') open();
  }

  // ---- Navigation, theme, unload -----------------------------------------------------------------

  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[data-host-nav]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.href, true);
  });
  window.addEventListener('popstate', function () { navigate(window.location.href, false); });
  // A full page load or tab close also leaves the area.
  window.addEventListener('pagehide', function () { destroyActive(); });

  var themeToggle = document.getElementById('host-theme-toggle');
  if (themeToggle) {
    themeToggle.addEventListener('change', function () {
      var scheme = themeToggle.checked ? 'dark' : 'light';
      document.documentElement.setAttribute('data-color-scheme', scheme);
      document.cookie = 'amo_host_theme=' + scheme + '; path=' + readState(document).urls.base + '; samesite=lax';
      host.record('theme', scheme);
    });
  }

  enterPage(readState(document));
})();
