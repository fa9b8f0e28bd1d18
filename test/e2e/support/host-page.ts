import type { Page } from 'playwright-core';

/** The widget's settings modal in the host page's Settings → Integrations. */
export const SETTINGS_MODAL = '#widget-settings-modal';

/** Waits until the host has run the widget's `settings` callback in the open modal. */
export async function settingsModalReady(page: Page): Promise<void> {
  await page.waitForSelector(`${SETTINGS_MODAL}[data-settings-ready="true"]`);
}

/** Clicks the widget's tile in Settings → Integrations and waits for its settings modal. */
export async function openSettingsModal(page: Page): Promise<void> {
  await page.click('.widget-tile');
  await settingsModalReady(page);
}
