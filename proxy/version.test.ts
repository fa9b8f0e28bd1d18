import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PROXY_VERSION } from './version.js';

it('PROXY_VERSION equals the package.json version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(PROXY_VERSION).toBe(pkg.version);
});
