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

export function problem(status: number, code: string, title: string, detail: string = title): ProblemDocument {
  return { type: `${PROBLEM_TYPE_BASE}${code}`, title, status, code, detail };
}

/** What a client sees for any unexpected failure: no message, no stack, only the request id to quote. */
export function internalErrorProblem(requestId: string | undefined): ProblemDocument {
  const detail = requestId ? `Unexpected error. Quote request id ${requestId} when reporting it.` : 'Unexpected error.';
  return problem(500, 'internal_error', 'Internal Server Error', detail);
}
