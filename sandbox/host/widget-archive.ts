import { stat, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { z } from 'zod';

// The host serves the widget exactly as amoCRM serves an uploaded archive: straight out of widget.zip.
// Reading the zip ourselves (instead of the build folder) proves the archive itself is complete.

const manifestSchema = z.object({
  widget: z.object({
    name: z.string(),
    description: z.string(),
    short_description: z.string(),
    version: z.string(),
    interface_version: z.number().optional(),
    init_once: z.boolean().optional(),
    locale: z.array(z.string()).min(1),
    installation: z.boolean(),
  }),
  locations: z.array(z.string()).default([]),
  settings: z
    .record(z.string(), z.object({ name: z.string(), type: z.string(), required: z.boolean().optional() }))
    .default({}),
  advanced: z.object({ title: z.string() }).optional(),
  tour: z
    .object({ tour_images: z.record(z.string(), z.array(z.string())).default({}), tour_description: z.string().optional() })
    .loose()
    .optional(),
});

type WidgetManifest = z.infer<typeof manifestSchema>;

export type WidgetArchive = {
  manifest: WidgetManifest;
  files: ReadonlyMap<string, Uint8Array>;
  /** Parsed `i18n/<lang>.json` files keyed by language. */
  langs: Readonly<Record<string, unknown>>;
};

export class WidgetArchiveError extends Error {
  override name = 'WidgetArchiveError';
}

/** Parses an archive held in memory; throws WidgetArchiveError with the reason when it is unusable. */
export function parseWidgetArchive(zipBytes: Uint8Array): WidgetArchive {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zipBytes);
  } catch (error) {
    throw new WidgetArchiveError(`widget.zip is not a valid zip archive: ${(error as Error).message}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith('/')) continue; // directory entries
    files.set(name, bytes);
  }
  const manifestBytes = files.get('manifest.json');
  if (!manifestBytes) {
    throw new WidgetArchiveError('widget.zip has no manifest.json at its root (amoCRM rejects such archives)');
  }
  const manifest = parseJson(manifestBytes, 'manifest.json', manifestSchema);
  const langs: Record<string, unknown> = {};
  for (const lang of manifest.widget.locale) {
    const bytes = files.get(`i18n/${lang}.json`);
    if (!bytes) throw new WidgetArchiveError(`widget.zip lacks i18n/${lang}.json listed in widget.locale`);
    langs[lang] = parseJson(bytes, `i18n/${lang}.json`, z.record(z.string(), z.unknown()));
  }
  return { manifest, files, langs };
}

function parseJson<T>(bytes: Uint8Array, fileName: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(bytes));
  } catch (error) {
    throw new WidgetArchiveError(`${fileName} in widget.zip is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new WidgetArchiveError(`${fileName} in widget.zip is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Normalises a request path inside the archive; `null` for anything that tries to leave it. */
export function archiveEntryName(requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  const normalised = posix.normalize(decoded).replace(/^\/+/, '');
  if (normalised === '' || normalised === '.' || normalised.startsWith('..')) return null;
  return normalised;
}

export type ArchiveLoadResult = { ok: true; archive: WidgetArchive } | { ok: false; error: string };

/**
 * Loads the archive from disk and reloads it whenever its size or mtime changes, so a rebuilt
 * widget shows up on the next page load without restarting the sandbox.
 */
export class WidgetArchiveFile {
  private cached: { key: string; result: ArchiveLoadResult } | undefined;

  constructor(private readonly zipPath: string) {}

  async load(): Promise<ArchiveLoadResult> {
    let key: string;
    try {
      const info = await stat(this.zipPath);
      key = `${info.size}:${info.mtimeMs}`;
    } catch {
      return { ok: false, error: `${this.zipPath} not found: run npm run build:widget first` };
    }
    if (this.cached?.key === key) return this.cached.result;
    let result: ArchiveLoadResult;
    try {
      result = { ok: true, archive: parseWidgetArchive(await readFile(this.zipPath)) };
    } catch (error) {
      result = { ok: false, error: (error as Error).message };
    }
    this.cached = { key, result };
    return result;
  }
}
