import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { PROXY_VERSION, readProductVersion, userAgent } from './version.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('PROXY_VERSION is the package.json version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(PROXY_VERSION).toBe(pkg.version);
  expect(userAgent('https://proxy.example.com/')).toBe(`moysklad-amocrm/${pkg.version} (+https://proxy.example.com)`);
});

it('follows a bumped package.json, found above sources and compiled files alike, skipping other packages', () => {
  const root = mkdtempSync(join(tmpdir(), 'version-'));
  dirs.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'moysklad-amocrm', version: '2.3.4' }));
  mkdirSync(join(root, 'dist', 'proxy'), { recursive: true });
  // A package.json of something else on the way up (e.g. dist marked as ESM) is not ours.
  writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
  expect(readProductVersion(join(root, 'dist', 'proxy'))).toBe('2.3.4');
  expect(readProductVersion(root)).toBe('2.3.4');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'moysklad-amocrm', version: '2.4.0-rc.1' }));
  expect(readProductVersion(join(root, 'dist', 'proxy'))).toBe('2.4.0-rc.1');
});

it('refuses to start without its package.json', () => {
  const lonely = mkdtempSync(join(tmpdir(), 'version-none-'));
  dirs.push(lonely);
  expect(() => readProductVersion(lonely)).toThrow(/no package.json of moysklad-amocrm/);
});
