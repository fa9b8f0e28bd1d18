/** Deterministic generator of hostile HTTP requests (seeded, so a failure can be replayed). */

export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  label: string;
}

export function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATH_PARAMS = ['1', '0', '-1', '99999999999999999999', 'abc', '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3000), '%E2%82%AC', '1e9', 'null', '{id}'];

const BODIES: Array<[string, string, () => string | Uint8Array<ArrayBuffer>]> = [
  ['empty json', 'application/json', () => ''],
  ['truncated json', 'application/json', () => '{"operation":"accrue","amount":'],
  ['json array', 'application/json', () => '[1,2,3]'],
  ['json null', 'application/json', () => 'null'],
  ['wrong types', 'application/json', () => JSON.stringify({ operation: 42, amount: 'many', comment: { a: 1 }, login: [], password: null, referralBonusNew: -1e308 })],
  ['huge number', 'application/json', () => '{"amount": 1e999999}'],
  ['deep nesting', 'application/json', () => '['.repeat(20_000) + ']'.repeat(20_000)],
  ['proto pollution', 'application/json', () => '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}'],
  ['big string', 'application/json', () => JSON.stringify({ comment: 'я'.repeat(600_000) })],
  ['random bytes', 'application/octet-stream', () => Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)],
  ['bad utf8 json', 'application/json', () => Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['form garbage', 'application/x-www-form-urlencoded', () => 'a[b][c][d][e][f][g][h][i][j][k]=1&&&=%%%&customers[add][0][id]=x'],
  ['json as text', 'text/plain', () => '{"operation":"accrue","amount":1}'],
  ['valid-looking accrue', 'application/json', () => JSON.stringify({ operation: 'accrue', amount: 1 })],
  ['webhook-like', 'application/json', () => JSON.stringify({ events: [{ meta: { type: 'retaildemand', href: 'http://evil/x' }, action: 'CREATE', accountId: 'nope' }] })],
];

/** `routes`: "METHOD /path/{param}" templates. `token()` gives a valid X-Auth-Token. */
export function hostileRequests(routes: string[], count: number, seed: number, token: () => string): HostileRequest[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const out: HostileRequest[] = [];
  for (let i = 0; i < count; i++) {
    const [declaredMethod, template] = pick(routes).split(' ') as [string, string];
    const method = random() < 0.75 ? declaredMethod : pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    const path = template.replace(/\{[^}]+\}|:[a-zA-Z]+/g, () => pick(PATH_PARAMS)) + (random() < 0.2 ? `?cursor=${pick(PATH_PARAMS)}&limit=${pick(PATH_PARAMS)}` : '');
    const [bodyLabel, contentType, makeBody] = pick(BODIES);
    const headers: Record<string, string> = { 'Content-Type': contentType, Accept: pick(['application/json', '*/*', 'text/html']), 'Accept-Language': pick(['ru', 'en', 'xx', '']) };
    const auth = random();
    if (auth < 0.5) headers['X-Auth-Token'] = token();
    else if (auth < 0.7) headers['X-Auth-Token'] = pick(['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.', 'x'.repeat(10_000)]);
    if (random() < 0.3) headers['Idempotency-Key'] = pick(['', 'k', 'x'.repeat(5000), '../../']);
    const withBody = method !== 'GET' && method !== 'OPTIONS';
    out.push({ method, path, headers, ...(withBody ? { body: makeBody() } : {}), label: `${method} ${template} [${bodyLabel}]` });
  }
  return out;
}
