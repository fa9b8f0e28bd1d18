import { render } from '@testing-library/preact';
import type { ComponentChild } from 'preact';
import { createWidgetEnv } from '../host/widget-env.js';
import { WidgetEnvContext } from '../lib/env.js';
import { createFakeSelf, type FakeSelfOptions } from './fake-self.js';

/** Renders a component with the same env main.ts builds, over a fake `self`. */
export function renderWithEnv(ui: ComponentChild, options: FakeSelfOptions = {}) {
  const self = createFakeSelf(options);
  const env = createWidgetEnv(self);
  return { self, env, ...render(<WidgetEnvContext.Provider value={env}>{ui}</WidgetEnvContext.Provider>) };
}
