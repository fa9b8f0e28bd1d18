import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Builds script.js + style.css for widget.zip (scripts/build-widget.ts drives it).
// Vite 8 cannot emit AMD, so the output is UMD: its AMD branch is an anonymous
// `define([...externals], factory)` whose factory returns the widget constructor.
const proxyUrl = process.env.WIDGET_PROXY_URL ?? 'https://moysklad-amo.example.com';

export default defineConfig({
  logLevel: 'warn',
  publicDir: false,
  // development: false — else a build run under NODE_ENV=test (the size test) would use jsxDEV with file names and
  // line numbers, measuring ~2 KB gzip more than what `npm run build` ships.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  define: {
    'process.env.NODE_ENV': JSON.stringify('production'),
    __MSK_PROXY_URL__: JSON.stringify(proxyUrl),
  },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: false,
    // Moderation reads the code: ship it readable (no minified or obfuscated files: https://www.amocrm.ru/developers/content/integrations/requirements).
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    lib: {
      entry: fileURLToPath(new URL('./widget/main.ts', import.meta.url)),
      name: 'MoySkladAmoWidget',
      formats: ['umd'],
      fileName: () => 'script.js',
      cssFileName: 'style',
    },
    rollupOptions: {
      // Provided by amoCRM's RequireJS; Preact is bundled.
      external: ['jquery'],
      // Readable code, not its doc comments: they are for the repository, while every amoCRM page downloads
      // script.js (the 25 KB budget). Names, lines and structure stay as written; legal comments stay too.
      output: { globals: { jquery: 'jQuery' }, comments: { legal: true, annotation: false, jsdoc: false } },
    },
  },
});
