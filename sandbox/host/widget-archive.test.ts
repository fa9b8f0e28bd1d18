import { mkdtemp, rm, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { contentTypeFor } from './content-types.js';
import { archiveEntryName, parseWidgetArchive, WidgetArchiveError, WidgetArchiveFile } from './widget-archive.js';
import { buildFixtureWidgetZip, FIXTURE_MANIFEST } from './testing/fixture-widget.js';

describe('parseWidgetArchive', () => {
  it('reads manifest, i18n files and every file at the root of the zip', () => {
    const archive = parseWidgetArchive(buildFixtureWidgetZip());
    expect(archive.manifest.widget.version).toBe('0.0.7');
    expect(archive.manifest.locations).toContain('cucard-1');
    expect(archive.langs.en).toMatchObject({ widget: { name: 'Fixture widget' } });
    expect([...archive.files.keys()].sort()).toContain('images/logo_medium.png');
  });

  it('rejects an archive whose files sit in a top-level folder (a typical upload mistake)', () => {
    const zip = zipSync({ 'widget/manifest.json': strToU8(JSON.stringify(FIXTURE_MANIFEST)) });
    expect(() => parseWidgetArchive(zip)).toThrow(/no manifest.json at its root/);
  });

  it('names the missing i18n file and the invalid manifest field', () => {
    const noEn = zipSync({ 'manifest.json': strToU8(JSON.stringify(FIXTURE_MANIFEST)), 'i18n/ru.json': strToU8('{}') });
    expect(() => parseWidgetArchive(noEn)).toThrow(/i18n\/en.json/);
    const badManifest = zipSync({ 'manifest.json': strToU8(JSON.stringify({ widget: { name: 'x' } })) });
    expect(() => parseWidgetArchive(badManifest)).toThrow(WidgetArchiveError);
    expect(() => parseWidgetArchive(strToU8('not a zip'))).toThrow(/not a valid zip/);
  });
});

describe('archiveEntryName', () => {
  it('normalises paths and refuses to leave the archive', () => {
    expect(archiveEntryName('images/logo.png')).toBe('images/logo.png');
    expect(archiveEntryName('/i18n/../script.js')).toBe('script.js');
    expect(archiveEntryName('../etc/passwd')).toBeNull();
    expect(archiveEntryName('%2e%2e/secret')).toBeNull();
    expect(archiveEntryName('%E0%A4%A')).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('maps widget file types', () => {
    expect(contentTypeFor('script.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('style.css')).toMatch(/^text\/css/);
    expect(contentTypeFor('i18n/ru.json')).toMatch(/^application\/json/);
    expect(contentTypeFor('images/logo.PNG')).toBe('image/png');
    expect(contentTypeFor('blob.bin')).toBe('application/octet-stream');
  });
});

describe('WidgetArchiveFile', () => {
  let dir: string | undefined;
  afterEach(async () => dir && rm(dir, { recursive: true, force: true }));

  it('reports a missing zip and re-reads the zip when it changes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-archive-'));
    const path = join(dir, 'widget.zip');
    const file = new WidgetArchiveFile(path);
    expect(await file.load()).toEqual({ ok: false, error: expect.stringMatching(/run npm run build:widget/) });

    await writeFile(path, buildFixtureWidgetZip());
    const first = await file.load();
    expect(first.ok && first.archive.manifest.widget.version).toBe('0.0.7');

    const manifest = { ...FIXTURE_MANIFEST, widget: { ...FIXTURE_MANIFEST.widget, version: '0.0.8' } };
    await writeFile(path, buildFixtureWidgetZip({ manifest }));
    await utimes(path, new Date(), new Date(Date.now() + 5000)); // make sure mtime moves even on coarse clocks
    const second = await file.load();
    expect(second.ok && second.archive.manifest.widget.version).toBe('0.0.8');
  });
});
