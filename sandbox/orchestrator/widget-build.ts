import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What goes into dist/widget.zip (see scripts/build-widget.ts); a change to any of them makes the zip stale. */
const WIDGET_SOURCES = ['widget', 'i18n', 'images', 'manifest.json', 'scripts/build-widget.ts', 'vite.config.ts'];

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    // Tests and test helpers do not end up in the archive.
    if (/\.test\.tsx?$/.test(entry) || entry === 'test-support') continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

/** Why the archive must be (re)built, or null when it is up to date. */
export function widgetZipStaleness(root: string, zipPath = join(root, 'dist', 'widget.zip')): string | null {
  if (!existsSync(zipPath)) return `${zipPath} is missing`;
  const built = statSync(zipPath).mtimeMs;
  const changed = WIDGET_SOURCES.find((source) => newestMtimeMs(join(root, source)) > built);
  return changed ? `${changed} changed after the last build` : null;
}

/** Runs `npm run build:widget` with its output shown; rejects when it fails. */
export function buildWidgetZip(root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build:widget'], { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`npm run build:widget failed (${signal ?? `exit code ${code}`})`))));
  });
}
