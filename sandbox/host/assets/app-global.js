/*
 * The `APP` global of the amoCRM-like host page (and its deprecated alias `AMOCRM`), built from the
 * page state. Widgets may only read it (amo-docs web_sdk/env_variables), so it is frozen: a widget
 * that writes to it fails loudly here instead of silently corrupting the real amoCRM page.
 * Only the documented keys exist; others are absent on purpose.
 */
(function () {
  'use strict';

  var host = (window.amoHost = window.amoHost || {});
  /** Lifecycle log: which callbacks ran, in which area. Read by the sandbox e2e tests and by people. */
  host.log = [];
  host.record = function (event, detail) {
    host.log.push({ event: event, detail: detail === undefined ? null : detail, at: Date.now() });
  };

  var current = { state: null, card: false };

  /** Called by the runtime whenever a page (or a client-side navigation) brings a new state. */
  host.setState = function (state) {
    current.state = state;
    current.card = state.page.card ? freezeCard(state.page.card) : false;
  };

  function freezeCard(card) {
    var attributes = Object.freeze(Object.assign({}, card.attributes));
    // amoCRM hands a Backbone model; this keeps its read side (`get`, `attributes`).
    var model = Object.freeze({
      id: card.id,
      attributes: attributes,
      get: function (key) {
        return attributes[key];
      },
    });
    return Object.freeze({ id: card.id, element_type: card.elementType, model: model });
  }

  function state() {
    if (!current.state) throw new Error('amo host: no page state yet');
    return current.state;
  }

  var constants = {
    user: function (s) {
      return { id: s.user.id, name: s.user.name, login: s.user.email, lang: s.lang };
    },
    user_rights: function (s) {
      return { is_admin: s.user.isAdmin ? 'Y' : 'N', is_free: 'N' };
    },
    account: function (s) {
      return { id: s.account.id, subdomain: s.account.subdomain, name: s.account.name, language: s.lang, currency: 'RUB' };
    },
    managers: function (s) {
      var managers = {};
      managers[s.user.id] = { id: s.user.id, title: s.user.name, login: s.user.email, active: true };
      return managers;
    },
  };

  var data = Object.freeze(
    Object.create(Object.prototype, {
      current_card: {
        enumerable: true,
        get: function () {
          return current.card;
        },
      },
    }),
  );

  function showToast(kind, message) {
    var holder = document.getElementById('amo-notifications');
    if (!holder) return;
    var m = message || {};
    var toast = document.createElement('div');
    toast.className = 'amo-toast amo-toast--' + kind;
    var header = document.createElement('strong');
    header.textContent = m.header || m.title || '';
    var text = document.createElement('p');
    text.textContent = typeof m === 'string' ? m : m.text || '';
    toast.appendChild(header);
    toast.appendChild(text);
    holder.appendChild(toast);
    host.record('notification', { kind: kind, text: text.textContent });
    setTimeout(function () {
      toast.remove();
    }, 6000);
  }

  var notifications = Object.freeze({
    show_message: function (m) { showToast('message', m); },
    show_message_error: function (m) { showToast('error', m); },
    show_notification: function (m) { showToast('notification', m); },
    add_error: function (m) { showToast('error', m); },
    add_call: function (m) { showToast('call', m); },
  });

  var APP = Object.freeze(
    Object.create(Object.prototype, {
      lang_id: { enumerable: true, get: function () { return state().lang; } },
      getBaseEntity: { value: function () { return state().page.baseEntity; } },
      isCard: { value: function () { return state().page.isCard; } },
      getWidgetsArea: { value: function () { return state().page.widgetsArea; } },
      constant: {
        value: function (key) {
          var build = constants[key];
          return build ? Object.freeze(build(state())) : undefined;
        },
      },
      data: { enumerable: true, value: data },
      notifications: { enumerable: true, value: notifications },
    }),
  );

  Object.defineProperty(window, 'APP', { value: APP, writable: false, configurable: false });
  Object.defineProperty(window, 'AMOCRM', { value: APP, writable: false, configurable: false });

  host.showToast = showToast;
})();
