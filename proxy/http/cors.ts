import type { RequestHandler } from 'express';

/**
 * CORS for the widget: it runs inside the amoCRM page (`https://{subdomain}.amocrm.ru`, `.amocrm.com`,
 * `.kommo.com`) and calls us with `$authorizedAjax`, which adds the custom `X-Auth-Token` header and so
 * triggers a preflight (https://www.amocrm.ru/developers/content/web_sdk/mechanics, $authorizedAjax).
 * Extra origins (the sandbox host page) come from config.
 *
 * No credentials (cookies) are allowed: authentication is the token header only.
 */
const AMO_ORIGIN = /^https:\/\/[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.(?:amocrm\.ru|amocrm\.com|kommo\.com)$/;

// If-None-Match: the widget polls the open card conditionally (304 when nothing changed).
const CORS_ALLOWED_HEADERS = ['X-Auth-Token', 'Idempotency-Key', 'Content-Type', 'Accept-Language', 'If-None-Match'];
const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

export function isAllowedOrigin(origin: string, extraOrigins: readonly string[]): boolean {
  if (AMO_ORIGIN.test(origin)) return true;
  return extraOrigins.some((allowed) => normaliseOrigin(allowed) === origin);
}

function normaliseOrigin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}

export function widgetCors(options: { extraOrigins?: readonly string[]; maxAgeSeconds?: number } = {}): RequestHandler {
  const extra = options.extraOrigins ?? [];
  return (req, res, next) => {
    res.append('Vary', 'Origin');
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && isAllowedOrigin(origin, extra);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      // ETag: the widget reads it to ask for the card conditionally next time.
      res.setHeader('Access-Control-Expose-Headers', 'Content-Type, Retry-After, ETag');
    }
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) {
      next();
      return;
    }
    // Preflight: answer here; a refused origin gets no CORS headers, so the browser blocks the call.
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
      res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS.join(', '));
      res.setHeader('Access-Control-Max-Age', String(options.maxAgeSeconds ?? 600));
    }
    res.status(204).end();
  };
}
