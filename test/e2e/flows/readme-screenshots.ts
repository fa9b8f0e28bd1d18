import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR } from '../support/browser.js';

/** The pictures the README shows: the card panel, the settings modal, the widget's own settings page. */
export const README_SHOTS = ['card', 'settings', 'advanced-settings'] as const;
export type ReadmeShot = (typeof README_SHOTS)[number];

/**
 * Where tests leave README candidates: under test-results/ (ignored by git). Tests never write docs/;
 * `npm run docs:screenshots` (scripts/docs-screenshots.ts) copies the candidates of a passing run there.
 */
export const README_CANDIDATES_DIR = join(ARTIFACTS_DIR, 'readme');

export const readmeCandidatePath = (name: ReadmeShot) => join(README_CANDIDATES_DIR, `${name}.png`);

/** A viewport-sized PNG (what a reader sees first, not the whole scrolled page), pending until `keepForReadme`. */
export async function captureForReadme(page: Page, name: ReadmeShot): Promise<string> {
  await mkdir(README_CANDIDATES_DIR, { recursive: true });
  const path = join(README_CANDIDATES_DIR, `${name}.pending.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Makes a pending shot a README candidate. Called only at the very end of a test, after its assertions passed,
 * so a failing run never offers a picture of a broken page.
 */
export async function keepForReadme(pendingPath: string, name: ReadmeShot): Promise<string> {
  const target = readmeCandidatePath(name);
  await rename(pendingPath, target);
  return target;
}
