/*
 * The system Widget object amoCRM hands to script.js. amoCRM calls the module's constructor with
 * `new`, `this` being an object that already has the SDK methods (get_settings, system, i18n,
 * render_template, $authorizedAjax…). Here the SDK sits on the prototype chain of that object, so
 * the widget sees exactly what amoCRM gives it and nothing of the host's internals.
 */
(function () {
  'use strict';

  var host = window.amoHost;

  function escapeHtml(value) {
    return String(value == null ? '' : value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function lookup(langs, key) {
    var node = langs;
    var parts = String(key).split('.');
    for (var i = 0; i < parts.length; i++) {
      if (node === null || typeof node !== 'object') return undefined;
      node = node[parts[i]];
    }
    return node;
  }

  // amoCRM renders `render` strings with Twig.js. Only `{{ name }}` substitution (escaped) is
  // emulated: enough for simple templates; a widget relying on full Twig would need the real thing.
  function renderTwigLite(template, params) {
    return String(template || '').replace(/\{\{\s*([\w.]+)(\|\w+)?\s*\}\}/g, function (_, key) {
      return escapeHtml(lookup(params || {}, key));
    });
  }

  function buildSdk(state) {
    var w = state.widget;
    var active = w.active ? 'Y' : 'N';
    var settings = Object.assign({}, w.settings, {
      widget_code: w.code,
      path: w.path,
      version: w.version,
      active: active,
      status: w.status,
      oauth_client_uuid: w.clientUuid,
    });
    var params = Object.assign({}, settings, {
      id: w.code,
      images_path: w.path + '/images',
      widget_active: active,
      proxy_url: w.proxyUrl,
    });

    var i18nState = { langs: w.langs };
    return {
      params: params,
      langs: w.langs,
      get_settings: function () { return settings; },
      set_settings: function (values) { Object.assign(settings, values || {}); },
      system: function () {
        return {
          area: state.page.area,
          amouser_id: state.user.id,
          amouser: state.user.email,
          amohash: '',
          subdomain: state.account.subdomain,
          domain: window.location.host,
          server: window.location.host,
          displayed_count: 1,
        };
      },
      i18n: function (key) { return lookup(i18nState.langs, key); },
      set_lang: function (langs) {
        i18nState.langs = langs;
        if (this && typeof this === 'object') this.langs = langs;
      },
      get_version: function () { return w.version; },
      get_install_status: function () { return w.status; },
      set_status: function (status) { host.record('set_status', status); },
      get_accounts_current: function () { return window.APP.constant('account'); },
      list_selected: function () { return { selected: [], summary: { items: 0 } }; },
      render: function (options, values) {
        var html = options && typeof options.data === 'string' ? renderTwigLite(options.data, values) : '';
        return options && options.promised ? Promise.resolve(html) : html;
      },
      render_template: function (template, values) {
        var holder = document.querySelector('.card-widgets__elements');
        if (!state.page.rightPanel || !holder) {
          host.record('render_template:ignored', state.page.area);
          return;
        }
        var block = holder.querySelector('.card-widgets__widget[data-widget-code="' + w.code + '"]');
        if (!block) {
          block = document.createElement('div');
          block.className = 'card-widgets__widget';
          block.setAttribute('data-widget-code', w.code);
          holder.appendChild(block);
        }
        var caption = (template && template.caption) || {};
        // One block per widget: a second call replaces the block, as amoCRM redraws the widget's block.
        block.innerHTML =
          '<div class="card-widgets__widget__caption ' + escapeHtml(caption.class_name || '') + '">' +
          '<img class="card-widgets__widget__logo" alt="" src="' + escapeHtml(w.path) + '/images/logo_medium.png">' +
          (caption.html || '') +
          '</div><div class="card-widgets__widget__body">' +
          ((template && template.body) || '') +
          renderTwigLite(template && template.render, values) +
          '</div>';
      },
      $authorizedAjax: function (options) {
        var $ = window.requirejs('jquery');
        var result = $.Deferred();
        $.ajax({ url: state.urls.token, method: 'POST', dataType: 'json', headers: { 'X-Requested-With': 'XMLHttpRequest' } })
          .done(function (answer) {
            var request = $.extend({}, options);
            request.headers = $.extend({}, options && options.headers, { 'X-Auth-Token': answer.token });
            $.ajax(request)
              .done(function () { result.resolveWith(this, arguments); })
              .fail(function () { result.rejectWith(this, arguments); });
          })
          .fail(function () { result.rejectWith(this, arguments); });
        return result.promise();
      },
      openWidgetSettings: function () {
        host.navigate(state.urls.base + '/settings/widgets#open-widget-settings', true);
      },
    };
  }

  /** Builds the widget object like amoCRM: `new Ctor()` with the SDK reachable through `this`. */
  function instantiate(Ctor, sdk) {
    function SystemWidget() {}
    SystemWidget.prototype = Object.create(sdk);
    var own = Ctor.prototype ? Object.getOwnPropertyNames(Ctor.prototype) : [];
    own.forEach(function (name) {
      if (name !== 'constructor') Object.defineProperty(SystemWidget.prototype, name, Object.getOwnPropertyDescriptor(Ctor.prototype, name));
    });
    var made = Reflect.construct(Ctor, [], SystemWidget);
    return made && typeof made === 'object' ? made : Object.create(SystemWidget.prototype);
  }

  /** A widget instance for one area; `call` runs a callback and never lets a widget error escape. */
  host.createWidget = function (Ctor, state) {
    if (typeof Ctor !== 'function') throw new Error('script.js must define the widget constructor, got ' + typeof Ctor);
    var self = instantiate(Ctor, buildSdk(state));
    return {
      self: self,
      area: state.page.area,
      call: function (name, args) {
        host.record(name, state.page.area);
        var callback = self.callbacks && self.callbacks[name];
        if (typeof callback !== 'function') return undefined;
        try {
          return callback.apply(self, args || []);
        } catch (error) {
          host.record(name + ':error', String(error && error.message ? error.message : error));
          console.error('[amo host] widget callback ' + name + ' threw', error);
          return false;
        }
      },
    };
  };
})();
