import axios, { type AxiosRequestTransformer } from 'axios';

export interface AmoTraffic {
  /** Every request our clients sent to the amoCRM API (method + path with ids folded to `{id}`). */
  byEndpoint: Map<string, number>;
  writes: number;
  /** Writes whose body is an array (the batch endpoints) and the sum of their lengths. */
  arrayWrites: number;
  arrayItems: number;
  stop(): void;
}

/**
 * Observes what leaves the proxy for amoCRM without touching the product: our clients use `axios.create()`,
 * which inherits `axios.defaults.transformRequest`, and axios calls transformers with the request config as
 * `this`. Install before the proxy builds its clients (they are built lazily, per account). Read-only tap.
 */
export function tapAmoTraffic(amoOrigin: string): AmoTraffic {
  const traffic: AmoTraffic = { byEndpoint: new Map(), writes: 0, arrayWrites: 0, arrayItems: 0, stop };
  const original = axios.defaults.transformRequest;
  const tap: AxiosRequestTransformer = function (this: { url?: string; baseURL?: string; method?: string }, data) {
    const url = resolveUrl(this.baseURL, this.url);
    if (url?.startsWith(amoOrigin) && url.includes('/api/v4/')) {
      const method = (this.method ?? 'get').toUpperCase();
      const path = new URL(url).pathname.replace(/^\/a\/[^/]+/, '').replace(/\/\d+(?=\/|$)/g, '/{id}');
      const key = `${method} ${path}`;
      traffic.byEndpoint.set(key, (traffic.byEndpoint.get(key) ?? 0) + 1);
      if (method !== 'GET') {
        traffic.writes += 1;
        const body = parseBody(data);
        if (Array.isArray(body)) {
          traffic.arrayWrites += 1;
          traffic.arrayItems += body.length;
        }
      }
    }
    return data;
  };
  axios.defaults.transformRequest = [tap, ...toArray(original)];
  function stop() {
    axios.defaults.transformRequest = original;
  }
  return traffic;
}

/** Our transport serializes bodies itself, so the transformer usually sees a JSON string. */
function parseBody(data: unknown): unknown {
  if (typeof data !== 'string' || !data.startsWith('[')) return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

const toArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** As axios does it: an absolute `url` wins, else `baseURL` and `url` are joined by one slash. */
function resolveUrl(base: string | undefined, url: string | undefined): string | null {
  if (url && /^https?:\/\//i.test(url)) return url;
  if (!base) return url ?? null;
  return url ? `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}` : base;
}
