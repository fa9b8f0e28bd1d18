import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Browser files of the host page: RequireJS and jQuery 3 straight from their npm packages (amoCRM
// loads widgets with RequireJS and provides `jquery` as an AMD module), plus our runtime and styles.

export type HostAsset = { contentType: string; body: string };

const JS = 'text/javascript; charset=utf-8';

export function createHostAssets(): ReadonlyMap<string, HostAsset> {
  const require = createRequire(import.meta.url);
  const own = (name: string) => readFileSync(fileURLToPath(new URL(`./assets/${name}`, import.meta.url)), 'utf8');
  return new Map<string, HostAsset>([
    ['require.js', { contentType: JS, body: readFileSync(require.resolve('requirejs/require.js'), 'utf8') }],
    ['jquery.js', { contentType: JS, body: readFileSync(require.resolve('jquery/dist/jquery.js'), 'utf8') }],
    ['app-global.js', { contentType: JS, body: own('app-global.js') }],
    ['widget-sdk.js', { contentType: JS, body: own('widget-sdk.js') }],
    ['host-runtime.js', { contentType: JS, body: own('host-runtime.js') }],
    ['host.css', { contentType: 'text/css; charset=utf-8', body: own('host.css') }],
  ]);
}
