import type { Problem } from './types.js';

/**
 * A failed call to the proxy. `code` is the stable machine code from problem+json
 * (e.g. `moysklad_auth_failed`), or one of ours when there was no problem body:
 * `network_error` (no answer at all) and `unexpected_response` (an answer we cannot read).
 * `detail` is the human message: the proxy localises it by Accept-Language. `problem` is the
 * whole problem body, for codes that carry more (e.g. `balance` with `bonus_insufficient_points`).
 */
export class WidgetApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string | null;
  readonly problem: Record<string, unknown>;

  constructor(code: string, status: number, detail: string | null, problem: Record<string, unknown> = {}) {
    super(detail ?? code);
    this.name = 'WidgetApiError';
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.problem = problem;
  }
}

export function isWidgetApiError(error: unknown): error is WidgetApiError {
  return error instanceof WidgetApiError;
}

/** Builds the error from a failed response; tolerant of any body because proxies and gateways vary. */
export function errorFromResponse(status: number, responseText: string | undefined): WidgetApiError {
  if (status === 0) return new WidgetApiError('network_error', 0, null);
  const problem = parseProblem(responseText);
  const code = typeof problem?.code === 'string' ? problem.code : `http_${status}`;
  const detail = typeof problem?.detail === 'string' && problem.detail !== '' ? problem.detail : null;
  return new WidgetApiError(code, status, detail, problem ?? {});
}

function parseProblem(text: string | undefined): (Problem & Record<string, unknown>) | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Problem & Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
