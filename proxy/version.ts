import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The product's name in our User-Agent (it shows in МойСклад's audit and amoCRM's logs). */
export const PRODUCT = 'moysklad-amocrm';

const ownPackage = z.object({ name: z.literal(PRODUCT), version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/) });

/**
 * The version in the nearest package.json of this product above `fromDir`. package.json is the one place the
 * version is written (the widget's manifest takes it from there too); the proxy runs from the repository both as
 * sources (proxy/) and compiled (dist/proxy/), so the file is looked for upwards rather than at a fixed depth.
 */
export function readProductVersion(fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = ownPackage.safeParse(JSON.parse(readFileSync(candidate, 'utf8')));
      if (parsed.success) return parsed.data.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of ${PRODUCT} above ${fromDir}: the proxy runs from its repository (npm ci there)`);
  }
}

/** Our version: package.json's, read once at start. */
export const PROXY_VERSION = readProductVersion(dirname(fileURLToPath(import.meta.url)));

/** `moysklad-amocrm/<version> (+<our public URL>)`: the User-Agent of every call to МойСклад and amoCRM. */
export function userAgent(publicUrl?: string): string {
  return publicUrl ? `${PRODUCT}/${PROXY_VERSION} (+${publicUrl.replace(/\/+$/, '')})` : `${PRODUCT}/${PROXY_VERSION}`;
}
