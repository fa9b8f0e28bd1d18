import { gzipSync } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import { absolutizeHrefs } from './references.js';

/**
 * The real API answers 415 with an EMPTY body when the request does not accept gzip.
 * A list such as "gzip, deflate, br" (what undici and axios send) is accepted.
 */
export function requireGzip(req: Request, res: Response, next: NextFunction): void {
  const accepted = String(req.headers['accept-encoding'] ?? '')
    .split(',')
    .map((part) => part.trim().split(';')[0]!.toLowerCase());
  if (!accepted.includes('gzip')) {
    res.status(415).end();
    return;
  }
  next();
}

/** Public base URL for hrefs in this response (set per request by the emulator). */
export function baseUrlOf(res: Response): string {
  return String(res.locals.baseUrl ?? '');
}

/** Writes a JSON body with absolute hrefs, really gzip-compressed. */
export function sendJson(res: Response, status: number, body: unknown): void {
  const json = JSON.stringify(absolutizeHrefs(body, baseUrlOf(res)));
  res
    .status(status)
    .set('Content-Type', 'application/json;charset=utf-8')
    .set('Content-Encoding', 'gzip')
    .send(gzipSync(json));
}
