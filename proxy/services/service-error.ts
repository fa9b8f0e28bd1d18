import type { ProblemCode } from '../http/routes/problem-messages.js';

/**
 * An expected failure with a stable `code` (the widget switches on it) and the HTTP status it maps
 * to. Services throw it; the widget routers' error handler renders it as problem+json.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    /** Extra machine-readable members (e.g. validation `errors`); never secrets. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'ServiceError';
  }
}
