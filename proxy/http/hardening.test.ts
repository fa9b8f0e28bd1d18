import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './routes/widget/test-harness.js';

/**
 * Attacks on the public surface that need no secret at all (issue 12, low items), each through real HTTP against the
 * real app with every public route registered (widget API, hooks, referral page, both webhook routes).
 */
describe('public surface without any secret', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(async () => h?.close());

  const logged = () => h.logLines.join('');

  it('a malformed percent-escape in a path is a 400 problem, logged without a stack', async () => {
    for (const [method, path] of [
      ['GET', '/r/%E0%A4%A'],
      ['POST', '/r/%E0%A4%A'],
      ['POST', '/webhooks/moysklad/1/%E0%A4%A'],
      ['POST', '/webhooks/amocrm/1/%E0%A4%A'],
    ] as const) {
      h.logLines.length = 0;
      const response = await fetch(`${h.base}${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(response.status, `${method} ${path}`).toBe(400);
      if (path.startsWith('/r/')) expect(await response.text()).toMatch(/<html[^]*role="alert"/); // the public page answers as a page
      else expect((await response.json()).code).toBe('malformed_path');
      expect(logged(), `${method} ${path}`).not.toMatch(/"stack"|URIError|"level":50/);
    }
    // Behind a valid widget token the widget router answers the same way.
    h.logLines.length = 0;
    const widget = await h.call('GET', '/api/widget/customers/%E0%A4%A/card');
    expect(widget.status).toBe(400);
    expect(widget.json.code).toBe('malformed_path');
    expect(logged()).not.toMatch(/"stack"|URIError|"level":50/);
  });

  it('a webhook secret in a path spelled in another case (Express routes it alike) never reaches the log', async () => {
    h.logLines.length = 0;
    const secret = 'case-bent-webhook-secret-0123456789';
    for (const prefix of ['/WEBHOOKS/MOYSKLAD', '/Webhooks/amoCRM', '/webhooks/%6Doysklad']) {
      await fetch(`${h.base}${prefix}/31000001/${secret}?requestId=r1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    }
    await fetch(`${h.base}/amocrm/install?CODE=def50200-one-time-code&referer=x`);
    await fetch(`${h.base}/nope`, { headers: { AUTHORIZATION: 'Bearer upper-case-bearer', 'x-AUTH-token': 'mixed-case-jwt' } });
    expect(logged()).toContain('[redacted]');
    expect(logged()).not.toMatch(new RegExp(`${secret}|def50200-one-time-code|upper-case-bearer|mixed-case-jwt`));
  });
});

describe('security headers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite', { trustProxy: 'loopback' });
  });
  afterAll(async () => h?.close());

  it('the referral page may not be framed and runs nothing but its own style', async () => {
    const page = await fetch(`${h.base}/r/nosuchcode`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/form-action 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    // The page's only inline style is allowed by its hash, and that hash is the style the page carries.
    const html = await page.text();
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('every answer has nosniff and a strict Referrer-Policy; API answers forbid framing and active content', async () => {
    for (const path of ['/api/widget/status', '/healthz', '/openapi.json', '/amocrm/install', '/nope']) {
      const response = await fetch(`${h.base}${path}`);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), path).toMatch(/default-src 'none'.*frame-ancestors 'none'|frame-ancestors 'none'.*default-src 'none'/);
      expect(response.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('HSTS only when the request came over TLS (directly or as told by a trusted proxy)', async () => {
    expect((await fetch(`${h.base}/healthz`)).headers.get('strict-transport-security')).toBeNull();
    const behindTls = await fetch(`${h.base}/healthz`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(behindTls.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  });
});

describe('body limits hold for chunked bodies (no Content-Length)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(async () => h?.close());

  /** Sends `body` in 1 KB chunks with Transfer-Encoding: chunked, so no Content-Length announces its size. */
  async function chunked(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const { request } = await import('node:http');
    const url = new URL(`${h.base}${path}`);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE' ? resolve({ status: 413, text: '' }) : reject(error)));
      for (let at = 0; at < body.length; at += 1024) req.write(body.slice(at, at + 1024));
      req.end();
    });
  }

  it('the widget API refuses a 20 KB JSON body (limit 8 KB)', async () => {
    const { signToken } = await import('./routes/widget/test-harness.js');
    const body = JSON.stringify({ login: 'a'.repeat(20_000), password: 'x' });
    const answer = await chunked('/api/widget/connection', body, { 'Content-Type': 'application/json', 'X-Auth-Token': await signToken({ isAdmin: true }) });
    expect(answer.status).toBe(413);
  });

  it('the referral form refuses a 10 KB body (limit 4 KB), answering with its HTML page', async () => {
    const body = new URLSearchParams({ csrf: 'x'.repeat(32), name: 'A'.repeat(10_000), phone: '+79990000123', consent: 'yes' }).toString();
    const answer = await chunked('/r/ref1x1', body, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(413);
    expect(answer.text).toMatch(/<html/);
  });

  it('a webhook keeps the app-wide limit', async () => {
    const answer = await chunked('/webhooks/moysklad/1/0123456789abcdef0123', JSON.stringify({ events: [], pad: 'x'.repeat(20_000) }), { 'Content-Type': 'application/json' });
    expect(answer.status).toBe(404); // parsed (under 256 KB), then refused for its secret
  });
});
