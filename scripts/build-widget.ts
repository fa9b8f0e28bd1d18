// `npm run build:widget`: renders the PNGs, bundles script.js + style.css with Vite, assembles
// dist/widget/ and packs dist/widget.zip with every file at the archive root (https://www.amocrm.ru/developers/content/integrations/structure).
// Options: --out-dir <dir> (default dist/widget), --zip <file> (default dist/widget.zip).
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { zipSync, type Zippable } from 'fflate';
import { build } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LOCALES = ['ru', 'en'] as const;
const TOUR_SLIDES = [1, 2, 3] as const;
/** amoCRM rejects images over 300 KB (https://www.amocrm.ru/developers/content/integrations/structure, images/). */
export const MAX_IMAGE_BYTES = 300 * 1024;

/** Output file → [SVG source, width, height]. Sizes are amoCRM's (https://www.amocrm.ru/developers/content/integrations/structure). */
export const LOGOS: Record<string, [string, number, number]> = {
  'logo.png': ['logo.svg', 130, 100],
  'logo_main.png': ['logo_main.svg', 400, 272],
  'logo_medium.png': ['logo_medium.svg', 240, 84],
  'logo_min.png': ['logo_min.svg', 84, 84],
  'logo_small.png': ['logo_small.svg', 108, 108],
};
export const TOUR_SIZE = { width: 1188, height: 616 } as const;

// DejaVu ships Cyrillic; loading it by path keeps the render independent of fontconfig.
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
].filter((file) => existsSync(file));

export type BuildOptions = { outDir: string; zipPath: string };

async function buildWidget({ outDir, zipPath }: BuildOptions): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'images'), { recursive: true });
  await mkdir(join(outDir, 'i18n'), { recursive: true });

  const version = await packageVersion();
  const langs = Object.fromEntries(
    await Promise.all(LOCALES.map(async (locale) => [locale, await readText(join(ROOT, 'i18n', `${locale}.json`))])),
  ) as Record<(typeof LOCALES)[number], string>;

  await renderImages(join(outDir, 'images'), langs);
  await bundleScript(outDir);
  await writeManifest(outDir, version);
  for (const locale of LOCALES) await writeFile(join(outDir, 'i18n', `${locale}.json`), langs[locale]);
  await checkTextFiles(outDir);
  await packZip(outDir, zipPath);
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readText(join(ROOT, 'package.json'))) as { version?: unknown };
  if (typeof pkg.version !== 'string' || !/^\d+\.\d+\.\d+/.test(pkg.version)) {
    throw new Error('package.json has no valid "version"; the manifest version is taken from it');
  }
  return pkg.version;
}

async function writeManifest(outDir: string, version: string): Promise<void> {
  const manifest = JSON.parse(await readText(join(ROOT, 'manifest.json'))) as { widget: Record<string, unknown> };
  // amoCRM caches widget files by version: every upload must carry the package version.
  manifest.widget.version = version;
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function bundleScript(outDir: string): Promise<void> {
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: false },
  });
  for (const file of ['script.js', 'style.css']) {
    if (!existsSync(join(outDir, file))) throw new Error(`Vite did not produce ${file}`);
  }
}

async function renderImages(imagesDir: string, langs: Record<string, string>): Promise<void> {
  const mark = innerSvg(await readText(join(ROOT, 'images', 'mark.svg')));
  for (const [output, [source, width, height]] of Object.entries(LOGOS)) {
    const svg = (await readText(join(ROOT, 'images', source))).replaceAll('{{mark}}', mark);
    await writePng(join(imagesDir, output), svg, width, height);
  }
  const layout = await readText(join(ROOT, 'images', 'tour.svg'));
  for (const slide of TOUR_SLIDES) {
    const illustration = innerSvg(await readText(join(ROOT, 'images', `tour_${slide}.svg`)));
    for (const locale of LOCALES) {
      const texts = tourTexts(langs[locale] ?? '{}', slide);
      const titleLines = wrapText(texts.title, 22);
      const svg = layout
        .replaceAll('{{mark}}', mark)
        .replaceAll('{{illustration}}', illustration)
        .replaceAll('{{title}}', tspans(titleLines, 50))
        .replaceAll('{{text_y}}', String(240 + titleLines.length * 50 + 24))
        .replaceAll('{{lines}}', tspans(wrapText(texts.text, 38), 38));
      await writePng(join(imagesDir, `tour_${slide}_${locale}.png`), svg, TOUR_SIZE.width, TOUR_SIZE.height);
    }
  }
}

function tourTexts(langJson: string, slide: number): { title: string; text: string } {
  const lang = JSON.parse(langJson) as { tour?: Record<string, { title?: unknown; text?: unknown }> };
  const entry = lang.tour?.[`slide${slide}`];
  if (typeof entry?.title !== 'string' || typeof entry.text !== 'string') {
    throw new Error(`i18n is missing tour.slide${slide}.title/text`);
  }
  return { title: entry.title, text: entry.text };
}

async function writePng(path: string, svg: string, width: number, height: number): Promise<void> {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { fontFiles: FONT_FILES, loadSystemFonts: FONT_FILES.length === 0, defaultFontFamily: 'DejaVu Sans' },
  });
  const png = resvg.render().asPng();
  const size = pngSize(png);
  if (size.width !== width || size.height !== height) {
    throw new Error(`${relative(ROOT, path)} is ${size.width}×${size.height}, expected ${width}×${height}`);
  }
  if (png.length > MAX_IMAGE_BYTES) throw new Error(`${relative(ROOT, path)} is ${png.length} bytes, over 300 KB`);
  await writeFile(path, png);
}

/** Width and height from the PNG IHDR chunk (bytes 16–23). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((byte, index) => png[index] !== byte)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The markup inside the outer <svg> element, to embed one SVG source into another. */
function innerSvg(svg: string): string {
  const start = svg.indexOf('>', svg.indexOf('<svg'));
  const end = svg.lastIndexOf('</svg>');
  if (start < 0 || end < 0) throw new Error('not an SVG document');
  return svg.slice(start + 1, end);
}

/** Lines as <tspan>s under each other; resvg does not wrap text itself. */
function tspans(lines: string[], lineHeight: number): string {
  return lines.map((line, index) => `<tspan x="64" dy="${index === 0 ? 0 : lineHeight}">${escapeXml(line)}</tspan>`).join('');
}

function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Reads a source text file, refusing a BOM or CRLF so they can never reach the archive. */
async function readText(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) throw new Error(`${relative(ROOT, path)} starts with a BOM`);
  if (text.includes('\r')) throw new Error(`${relative(ROOT, path)} has CR line endings; use LF`);
  return text;
}

/** amoCRM wants UTF-8 without BOM and LF endings in every text file (https://www.amocrm.ru/developers/content/integrations/requirements). */
async function checkTextFiles(outDir: string): Promise<void> {
  for (const file of await listFiles(outDir)) {
    if (!/\.(js|css|json)$/.test(file)) continue;
    const bytes = await readFile(join(outDir, file));
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw new Error(`${file} has a BOM`);
    if (bytes.includes(0x0d)) throw new Error(`${file} has CR characters`);
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(dir, join(prefix, entry.name)) : Promise.resolve([join(prefix, entry.name)]),
    ),
  );
  return nested.flat().sort();
}

async function packZip(outDir: string, zipPath: string): Promise<void> {
  const files: Zippable = {};
  // A fixed timestamp keeps the archive byte-identical between builds of the same sources.
  const mtime = new Date('2026-01-01T00:00:00Z');
  for (const file of await listFiles(outDir)) {
    const name = file.split('\\').join('/');
    files[name] = [new Uint8Array(await readFile(join(outDir, file))), { mtime, level: name.endsWith('.png') ? 0 : 9 }];
  }
  await mkdir(dirname(zipPath), { recursive: true });
  await writeFile(zipPath, zipSync(files));
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(argument('--out-dir') ?? join(ROOT, 'dist', 'widget'));
  const zipPath = resolve(argument('--zip') ?? join(ROOT, 'dist', 'widget.zip'));
  buildWidget({ outDir, zipPath }).then(
    () => process.stdout.write(`widget built: ${relative(ROOT, zipPath)}\n`),
    (error: unknown) => {
      process.stderr.write(`build-widget failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
