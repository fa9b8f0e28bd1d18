import type { Response } from 'express';

/**
 * The app-wide error type for HTTP answers, rendered as RFC 9457 problem+json `{ type, title, status, code,
 * detail }`. `code` is stable for clients; `detail` is shown to users only for 4xx (5xx details are hidden).
 */
export const PROBLEM_TYPE_BASE = 'https://moysklad-amocrm.invalid/problems/';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string = title,
    options?: ErrorOptions,
  ) {
    super(`${status} ${code}: ${detail}`, options);
    this.name = 'HttpError';
  }

  toProblem(): ProblemDocument {
    return problem(this.status, this.code, this.title, this.detail);
  }
}

/**
 * The one way a problem leaves the proxy: its status, `application/problem+json`, the document. App-wide errors
 * build it with `problem()` / `HttpError`, the widget routes and hooks with `problemBody()` (localized,
 * proxy/http/routes/problem.ts).
 */
export function sendProblem(res: Response, body: ProblemDocument): void {
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

export function problem(status: number, code: string, title: string, detail: string = title): ProblemDocument {
  return { type: `${PROBLEM_TYPE_BASE}${code}`, title, status, code, detail };
}

/** What a client sees for any unexpected failure: no message, no stack, only the request id to quote. */
export function internalErrorProblem(requestId: string | undefined): ProblemDocument {
  const detail = requestId ? `Unexpected error. Quote request id ${requestId} when reporting it.` : 'Unexpected error.';
  return problem(500, 'internal_error', 'Internal Server Error', detail);
}

/**
 * What a client's malformed request means to it: body-parser's errors, and a path whose percent-escapes do not
 * decode (the router raises a URIError while matching `:params`); `null` for anything that is not the client's
 * mistake. Both error handlers answer these as 4xx, so an unauthenticated caller cannot make us log a stack.
 */
export type RequestProblem = { status: number; code: 'malformed_body' | 'body_too_large' | 'unsupported_media_type' | 'bad_request' | 'malformed_path' };

export function requestProblem(error: unknown): RequestProblem | null {
  const parserError = error as (Error & { type?: string; status?: number; expose?: boolean }) | null | undefined;
  if (error instanceof URIError) return { status: 400, code: 'malformed_path' };
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'malformed_body' };
    case 'entity.too.large':
      return { status: 413, code: 'body_too_large' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type' };
  }
  const status = parserError?.status;
  if (parserError?.expose === true && typeof status === 'number' && status >= 400 && status < 500) return { status, code: 'bad_request' };
  return null;
}
