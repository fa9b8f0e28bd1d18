// Inside the emulator every reference is stored with an href RELATIVE to the API root
// ("/entity/counterparty/<id>"). The public base URL is only known when a response is written
// (it depends on the listening port, or on the Host of an in-process request), so hrefs are made
// absolute at the very last moment by `absolutizeHrefs`.

export const API_ROOT = '/api/remap/1.2';

export interface RefMeta {
  href: string;
  type: string;
  mediaType: 'application/json';
  metadataHref?: string;
}

export interface Ref {
  meta: RefMeta;
}

/** Where an entity type lives below the API root. Price types are the one non-/entity kind we serve. */
export function entityPath(type: string, id?: string): string {
  const base = type === 'pricetype' ? '/context/companysettings/pricetype' : `/entity/${type}`;
  return id === undefined ? base : `${base}/${id}`;
}

export function refMeta(type: string, id: string): RefMeta {
  return { href: entityPath(type, id), type, mediaType: 'application/json' };
}

export function entityMeta(type: string, id: string): RefMeta {
  return { ...refMeta(type, id), metadataHref: `${entityPath(type)}/metadata` };
}

export function ref(type: string, id: string): Ref {
  return { meta: refMeta(type, id) };
}

const ENTITY_HREF = /^\/entity\/([a-z]+)\/([0-9a-zA-Z-]+)$/;
const PRICETYPE_HREF = /^\/context\/companysettings\/pricetype\/([0-9a-zA-Z-]+)$/;

/** Turn any href (absolute on any host, or already relative) into the relative form, or null. */
export function relativeHref(href: string): string | null {
  const at = href.indexOf(API_ROOT);
  const rel = at >= 0 ? href.slice(at + API_ROOT.length) : href.startsWith('/') ? href : null;
  if (rel === null) return null;
  return rel.split('?')[0]!.replace(/\/+$/, '');
}

/** Parse an href into the entity it names. */
export function parseHref(href: string): { type: string; id: string } | null {
  const rel = relativeHref(href);
  if (rel === null) return null;
  const entity = ENTITY_HREF.exec(rel);
  if (entity) return { type: entity[1]!, id: entity[2]! };
  const priceType = PRICETYPE_HREF.exec(rel);
  if (priceType) return { type: 'pricetype', id: priceType[1]! };
  return null;
}

/** `{meta:{href}}` value → `{type,id}`; anything else → null. */
export function refTarget(value: unknown): { type: string; id: string } | null {
  if (!isObject(value) || !isObject(value.meta) || typeof value.meta.href !== 'string') return null;
  return parseHref(value.meta.href);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-copies client input, rewriting every `{meta:{href}}` into the stored relative form.
 * Unknown hrefs are kept as they are (a real server would reject some of them; we stay lenient).
 */
export function normalizeInputRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeInputRefs);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = normalizeInputRefs(inner);
  if (isObject(value.meta) && typeof value.meta.href === 'string') {
    const target = parseHref(value.meta.href);
    if (target) out.meta = refMeta(target.type, target.id);
  }
  return out;
}

const HREF_KEYS = new Set(['href', 'metadataHref', 'nextHref', 'previousHref']);

/** Deep-copies output, prefixing every relative href with the public base URL. */
export function absolutizeHrefs(value: unknown, baseUrl: string): unknown {
  if (Array.isArray(value)) return value.map((v) => absolutizeHrefs(v, baseUrl));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      HREF_KEYS.has(key) && typeof inner === 'string' && inner.startsWith('/')
        ? baseUrl + inner
        : absolutizeHrefs(inner, baseUrl);
  }
  return out;
}
