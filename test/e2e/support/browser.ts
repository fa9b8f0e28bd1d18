import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

// Debian's chromium driven by playwright-core (no bundled browser download). CI installs chromium;
// locally `apt-get install -y chromium` or point CHROMIUM_PATH at another build.

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const ARTIFACTS_DIR = join(process.cwd(), 'test-results');

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return path;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

export type BrowserPage = { context: BrowserContext; page: Page; errors: string[] };

/**
 * A fresh context per test (no shared cookies or storage). Page errors and failed console lines
 * are collected so a test can assert the page ran clean; a failing test leaves a screenshot of the
 * page as it was in test-results/<test name>-failed.png. Call it inside a test.
 */
export async function openPage(browser: Browser): Promise<BrowserPage> {
  // A browser far from Moscow: the widget must show the shop's (Moscow) time, not the browser's.
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'ru-RU', timezoneId: 'Asia/Vladivostok' });
  const page = await context.newPage();
  const errors: string[] = [];
  onTestFailed(async ({ task }) => {
    if (!page.isClosed()) await screenshot(page, `${task.name}-failed`).catch(() => undefined);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  return { context, page, errors };
}

/** Saves a full-page PNG under test-results/ (kept as a CI artifact). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
