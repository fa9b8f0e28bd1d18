// The widget's script.js entry. Vite builds it as UMD; amoCRM's RequireJS takes the anonymous AMD
// branch, and the module value is this constructor. Only a default export is allowed here: any
// named export would turn the module value into an object (script.js defines the widget object: https://www.amocrm.ru/developers/content/integrations/script_js).
import { h, type ComponentChild } from 'preact';
import { AdvancedSettings } from './components/AdvancedSettings.js';
import { CardPanel } from './components/CardPanel.js';
import { ConnectionSettings } from './components/ConnectionSettings.js';
import { MountRegistry } from './host/mount-registry.js';
import {
  advancedSettingsHolder,
  configWriter,
  createRoot,
  currentCustomerId,
  hostApp,
  linkStylesheet,
  modalElement,
  settingsHolder,
  storedConfig,
  unlinkStylesheet,
} from './host/page.js';
import { createWidgetEnv } from './host/widget-env.js';
import { ConnectionController, hasConsent } from './lib/connection-controller.js';
import { WidgetEnvContext, type WidgetEnv } from './lib/env.js';
import type { AmoWidgetSelf, JQueryLike, SaveEvent } from './sdk/types.js';
import './styles/widget.css';
import './styles/lists.css';

const CARD_ROOT_CLASS = 'msk-widget--card';

export default function Widget(this: AmoWidgetSelf): AmoWidgetSelf {
  const self = this;
  const mounts = new MountRegistry();
  let env: WidgetEnv | null = null;
  let connection: ConnectionController | null = null;

  // Built lazily: the constructor runs before amoCRM has filled langs and params.
  const widgetEnv = (): WidgetEnv => (env ??= createWidgetEnv(self));
  const withEnv = (child: ComponentChild) => h(WidgetEnvContext.Provider, { value: widgetEnv() }, child);

  const renderCard = (): void => {
    const customerId = currentCustomerId(self, hostApp());
    if (customerId === null || mounts.isMounted('card')) return;
    let root = document.querySelector<HTMLElement>(`.${CARD_ROOT_CLASS}`);
    if (!root) {
      self.render_template({
        caption: { class_name: 'msk-widget__caption' },
        body: `<div class="msk-widget ${CARD_ROOT_CLASS}"></div>`,
        render: '',
      });
      root = document.querySelector<HTMLElement>(`.${CARD_ROOT_CLASS}`);
    }
    if (root) mounts.mount('card', root, withEnv(h(CardPanel, { amoCustomerId: customerId })));
  };

  this.callbacks = {
    render() {
      linkStylesheet(self);
      renderCard();
      return true;
    },
    init() {
      return true;
    },
    bind_actions() {
      return true;
    },
    settings($modalBody: JQueryLike | HTMLElement) {
      linkStylesheet(self);
      const modal = modalElement($modalBody);
      if (!modal) return true;
      connection = new ConnectionController(
        widgetEnv().api,
        widgetEnv().t,
        configWriter($modalBody),
        hasConsent(storedConfig(self, modal)),
      );
      const root = createRoot(settingsHolder(modal, self.params.widget_code), 'settings');
      mounts.mount('settings', root, withEnv(h(ConnectionSettings, { controller: connection })), true);
      return true;
    },
    onSave(evt?: SaveEvent) {
      // Without our form there is nothing to send; never block amoCRM's own save.
      return connection ? connection.save(evt) : Promise.resolve(true);
    },
    advancedSettings() {
      linkStylesheet(self);
      const holder = advancedSettingsHolder(self);
      if (holder && !mounts.isMounted('advanced')) {
        mounts.mount('advanced', createRoot(holder, 'page'), withEnv(h(AdvancedSettings, {})), true);
      }
      return true;
    },
    destroy() {
      mounts.unmountAll();
      unlinkStylesheet(self);
      connection = null;
    },
  };
  return this;
}
