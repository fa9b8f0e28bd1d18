import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR } from '../support/browser.js';

export const README_SCREENSHOTS_DIR = join(process.cwd(), 'docs', 'screenshots');

/** The pictures the README shows: the card panel, the settings modal, the widget's own settings page. */
export type ReadmeShot = 'card' | 'settings' | 'advanced-settings';

/** A viewport-sized PNG (what a reader sees first, not the whole scrolled page) under test-results/. */
export async function captureForReadme(page: Page, name: ReadmeShot): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `readme-${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Promotes a screenshot taken under test-results/ to docs/screenshots/<name>.png for the README. Called
 * only at the very end of a test, after its assertions passed, so a failing run never replaces a good
 * picture with one of a broken page.
 */
export async function promoteToReadme(screenshotPath: string, name: ReadmeShot): Promise<string> {
  await mkdir(README_SCREENSHOTS_DIR, { recursive: true });
  const target = join(README_SCREENSHOTS_DIR, `${name}.png`);
  await copyFile(screenshotPath, target);
  return target;
}
