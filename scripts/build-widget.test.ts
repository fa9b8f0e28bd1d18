// Checks the built widget.zip against amoCRM's archive and moderation rules (https://www.amocrm.ru/developers/content/integrations/structure, integrations/requirements, integrations/moderation).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync, unzlibSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGOS, MAX_IMAGE_BYTES, TOUR_SIZE, pngSize } from './build-widget.js';
import { WIDGET_BUDGET_BYTES, shippedGzipBytes } from './widget-budget.js';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const decoder = new TextDecoder('utf-8', { fatal: true });

let workDir = '';
let files: Record<string, Uint8Array> = {};
const text = (name: string) => decoder.decode(files[name]);
const json = (name: string) => JSON.parse(text(name)) as Record<string, any>;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'msk-widget-build-'));
  const zipPath = join(workDir, 'widget.zip');
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/build-widget.ts', '--out-dir', join(workDir, 'widget'), '--zip', zipPath],
    { cwd: ROOT, env: { ...process.env, WIDGET_PROXY_URL: 'https://proxy.build-test.example' } },
  );
  files = unzipSync(new Uint8Array(await readFile(zipPath)));
}, 60_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('widget.zip', () => {
  it('holds exactly the widget files, at the archive root', () => {
    const tourImages = [1, 2, 3].flatMap((n) => [`images/tour_${n}_ru.png`, `images/tour_${n}_en.png`]);
    const expected = ['manifest.json', 'script.js', 'style.css', 'i18n/ru.json', 'i18n/en.json',
      ...Object.keys(LOGOS).map((logo) => `images/${logo}`), ...tourImages];
    expect(Object.keys(files).sort()).toEqual(expected.sort());
  });

  it('has a manifest that follows the amoCRM rules', async () => {
    const manifest = json('manifest.json');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.widget).toMatchObject({
      name: 'widget.name', description: 'widget.description', short_description: 'widget.short_description',
      version: pkg.version, interface_version: 2, init_once: false, locale: ['ru', 'en'], installation: true,
    });
    expect(manifest.widget.support.link).toMatch(/^https:\/\//);
    expect(manifest.widget.support.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    expect(manifest.locations).toEqual(['settings', 'advanced_settings', 'cucard-1']);
    expect(manifest.tour.is_tour).toBe(true);
    for (const locale of ['ru', 'en']) {
      const images: string[] = manifest.tour.tour_images[locale];
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) expect(files[image.replace(/^\//, '')], image).toBeDefined();
    }
    const customFields = Object.values(manifest.settings as Record<string, { type: string; required: boolean }>);
    expect(customFields).toEqual([{ name: 'settings.config', type: 'custom', required: true }]);
    // Every i18n key the manifest names must exist in every locale.
    const keys = [manifest.widget.name, manifest.widget.description, manifest.widget.short_description,
      manifest.tour.tour_description, manifest.settings.config.name, manifest.advanced.title];
    for (const locale of ['ru', 'en']) {
      const lang = json(`i18n/${locale}.json`);
      for (const key of keys) expect(lookup(lang, key), `${locale}: ${key}`).toEqual(expect.any(String));
    }
  });

  it('has i18n files with identical keys, no Russian and no .ru links in English', () => {
    expect(keyPaths(json('i18n/en.json'))).toEqual(keyPaths(json('i18n/ru.json')));
    expect(text('i18n/en.json')).not.toMatch(/[\u0400-\u04ff]/);
    expect(text('i18n/en.json')).not.toMatch(/\.ru\b/);
  });

  it('has images of the exact sizes, each within 300 KB', () => {
    for (const [name, [, width, height]] of Object.entries(LOGOS)) {
      expect(pngSize(files[`images/${name}`]!), name).toEqual({ width, height });
    }
    for (const [name, bytes] of Object.entries(files)) {
      if (!name.endsWith('.png')) continue;
      expect(bytes.length, name).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
      if (name.startsWith('images/tour_')) expect(pngSize(bytes), name).toEqual(TOUR_SIZE);
    }
  });

  it('has tour slides that read in amoCRM\'s light and dark themes alike (one image set per language only)', () => {
    // The manifest has `tour_images.<lang>` and no per-scheme variant (https://www.amocrm.ru/developers/content/integrations/structure, manifest.json), so the slides stay neutral:
    // their background is a mid tone, neither a white glare on a dark page nor black on a light one.
    for (const name of Object.keys(files).filter((file) => file.startsWith('images/tour_'))) {
      const { width, height, rgba } = decodePng(files[name]!);
      const edge: number[] = [];
      for (let x = 0; x < width; x += 8) edge.push(luminance(rgba, (height - 1) * width + x), luminance(rgba, x));
      for (let y = 0; y < height; y += 8) edge.push(luminance(rgba, y * width));
      const background = edge.reduce((sum, value) => sum + value, 0) / edge.length;
      expect(background, name).toBeGreaterThan(0.15);
      expect(background, name).toBeLessThan(0.45);
    }
  });

  it('has UTF-8 text files without BOM and with LF line endings', () => {
    for (const name of Object.keys(files).filter((file) => /\.(js|css|json)$/.test(file))) {
      const bytes = files[name]!;
      expect([bytes[0], bytes[1], bytes[2]], name).not.toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.includes(0x0d), name).toBe(false);
      expect(() => decoder.decode(bytes), name).not.toThrow();
    }
  });

  it('ships a readable script.js without console.log, alert, confirm or eval', () => {
    const script = text('script.js');
    const lines = script.split('\n');
    expect(lines.length).toBeGreaterThan(500);
    // Our names survive (no mangling); Preact's own dist is pre-minified, a bundled-library exception.
    for (const name of ['function CardPanel(', 'function BonusForm(', 'ConnectionController = class', 'function Widget(']) {
      expect(script).toContain(name);
    }
    const averageLineLength = script.length / lines.length;
    expect(averageLineLength).toBeLessThan(80);
    expect(script).not.toMatch(/\bconsole\.(log|info|warn)\b/);
    expect(script).not.toMatch(/\b(alert|confirm|eval)\s*\(|new Function\s*\(/);
    expect(script).toContain('https://proxy.build-test.example');
    expect(script).not.toMatch(/define\(\s*["']/);
  });

  it('stays small: script.js + style.css within the 25 KB gzip budget, no zod or axios in the browser', () => {
    const shipped = shippedGzipBytes(files['script.js']!, files['style.css']!);
    expect(shipped.total, `shipped ${shipped.total} B gzip (script ${shipped.script} B + style ${shipped.style} B), budget ${WIDGET_BUDGET_BYTES} B`).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
    expect(text('script.js')).not.toMatch(/\bzod\b|\baxios\b|ZodError|AxiosError/i);
  });

  it('scopes every style.css selector under .msk-widget', () => {
    const selectors = cssSelectors(text('style.css'));
    expect(selectors.length).toBeGreaterThan(20);
    for (const selector of selectors) expect(selector).toMatch(/\.msk-widget\b/);
    expect(selectors).toContain('html[data-color-scheme="dark"] .msk-widget');
  });

  it('loads through RequireJS as an anonymous AMD module whose value is the widget constructor', async () => {
    const dir = join(workDir, 'amd');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'script.js'), files['script.js']!);
    const requirejs = require('requirejs') as RequireJs;
    const load = requirejs.config({ context: `msk-${Date.now()}`, baseUrl: dir, nodeRequire: require });
    const Widget = await new Promise<unknown>((resolve, reject) => load(['script'], resolve, reject));

    expect(typeof Widget).toBe('function');
    expect((globalThis as Record<string, unknown>).MoySkladAmoWidget).toBeUndefined();
    const widget = new (Widget as new () => { callbacks: Record<string, unknown> })();
    for (const callback of ['render', 'init', 'bind_actions', 'destroy', 'settings', 'onSave', 'advancedSettings']) {
      expect(typeof widget.callbacks[callback], callback).toBe('function');
    }
  });
});

/** Relative luminance (0 black … 1 white) of the pixel at `index` of 8-bit RGBA data. */
function luminance(rgba: Uint8Array, index: number): number {
  const [r = 0, g = 0, b = 0] = rgba.subarray(index * 4, index * 4 + 3);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** Just enough PNG to check colours: 8-bit RGBA (what resvg writes), IDAT inflated, scanline filters undone. */
function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const { width, height } = pngSize(png);
  if (png[24] !== 8 || png[25] !== 6) throw new Error('expected an 8-bit RGBA PNG');
  const chunks: Uint8Array[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const joined = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  chunks.reduce((offset, chunk) => (joined.set(chunk, offset), offset + chunk.length), 0);
  const raw = unzlibSync(joined);
  const stride = width * 4;
  const rgba = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? rgba[y * stride + x - 4]! : 0;
      const up = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const upLeft = y > 0 && x >= 4 ? rgba[(y - 1) * stride + x - 4]! : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, filter === 4 ? paeth() : 0][filter] ?? 0;
      rgba[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

type RequireJs = {
  config(options: Record<string, unknown>): (deps: string[], ok: (value: unknown) => void, fail: (error: unknown) => void) => void;
};

function lookup(tree: Record<string, any>, key: string): unknown {
  return key.split('.').reduce<any>((node, part) => (node == null ? undefined : node[part]), tree);
}

function keyPaths(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree)
    .flatMap(([key, value]) =>
      value !== null && typeof value === 'object' ? keyPaths(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`],
    )
    .sort();
}

/** Style-rule selectors, descending into @media/@supports and skipping @keyframes steps. */
function cssSelectors(css: string): string[] {
  const source = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const selectors: string[] = [];
  const walk = (from: number, to: number) => {
    let index = from;
    while (index < to) {
      const open = source.indexOf('{', index);
      if (open < 0 || open >= to) return;
      const prelude = source.slice(index, open).trim();
      const close = matchingBrace(source, open);
      if (prelude.startsWith('@media') || prelude.startsWith('@supports')) walk(open + 1, close);
      else if (!prelude.startsWith('@')) selectors.push(...prelude.split(',').map((part) => part.trim()));
      index = close + 1;
    }
  };
  walk(0, source.length);
  return selectors;
}

function matchingBrace(source: string, open: number): number {
  let depth = 0;
  for (let index = open; index < source.length; index++) {
    if (source[index] === '{') depth++;
    if (source[index] === '}' && --depth === 0) return index;
  }
  throw new Error('unbalanced braces in style.css');
}
