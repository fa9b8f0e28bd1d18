import type { z } from 'zod';

/** What an error remembers about the request that failed, with credentials removed. */
export interface RequestSummary {
  method: string;
  /** URL with secrets in the query string masked (see `redactUrl`). */
  url: string;
}

export interface MoySkladErrorDetails {
  status?: number | undefined;
  /** МойСклад error code from the `errors[0].code` of the body, e.g. 1049. */
  code?: number | undefined;
  moreInfo?: string | undefined;
  request?: RequestSummary | undefined;
  /** `X-Request-Id`/`X-Lognex-Request-Id` when the server sent one (unconfirmed that МойСклад does). */
  requestId?: string | undefined;
  /** Every error object of the body, for callers that need `parameter`, `line`, … */
  errors?: readonly MoySkladErrorItem[] | undefined;
  cause?: unknown;
}

export interface MoySkladErrorItem {
  error: string;
  code?: number | undefined;
  parameter?: string | undefined;
  moreInfo?: string | undefined;
  dependencies?: readonly unknown[] | undefined;
}

/** The proxy's one URL redaction (proxy/redact.ts): errors and log lines mask the same secrets. */
export { redactUrl } from '../redact.js';

/** Base class: any failure talking to МойСклад. Carries the HTTP facts, never the credentials. */
export class MoySkladError extends Error {
  readonly status: number | undefined;
  readonly code: number | undefined;
  readonly moreInfo: string | undefined;
  readonly request: RequestSummary | undefined;
  readonly requestId: string | undefined;
  readonly errors: readonly MoySkladErrorItem[];

  constructor(message: string, details: MoySkladErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.moreInfo = details.moreInfo;
    this.request = details.request;
    this.requestId = details.requestId;
    this.errors = details.errors ?? [];
  }
}

/** 401 (or code 1056): the token was revoked or the password changed. Never retried; the connection needs re-auth. */
export class MoySkladAuthError extends MoySkladError {}

/** 429: code 1049 (requests per interval) or 1073 (parallel requests). */
export class MoySkladRateLimitError extends MoySkladError {
  readonly kind: 'rate' | 'parallel';
  /** How long the server told us to wait, in ms, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, details: MoySkladErrorDetails & { kind: 'rate' | 'parallel'; retryAfterMs?: number | undefined }) {
    super(message, details);
    this.kind = details.kind;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 404 (or codes 1021/1008): the object is gone. */
export class MoySkladNotFoundError extends MoySkladError {}

/** 409 / code 1028: the object is used by documents and cannot be deleted. `dependencies` lists the blockers. */
export class MoySkladConflictError extends MoySkladError {
  readonly dependencies: readonly unknown[];
  constructor(message: string, details: MoySkladErrorDetails & { dependencies?: readonly unknown[] }) {
    super(message, details);
    this.dependencies = details.dependencies ?? [];
  }
}

/** No HTTP answer at all (reset, DNS, timeout). Ambiguous for writes: the server may have acted. */
export class MoySkladNetworkError extends MoySkladError {}

/**
 * The request succeeded but the body did not have the shape we rely on. The job that made the call decides whether
 * to retry or park it; `path` says which field was wrong (e.g. `rows.3.salePrices.0.value`).
 */
export class MoySkladValidationError extends MoySkladError {
  readonly path: string;
  readonly issues: readonly z.core.$ZodIssue[];
  constructor(message: string, details: MoySkladErrorDetails & { issues: readonly z.core.$ZodIssue[] }) {
    const first = details.issues[0];
    const path = first ? first.path.map(String).join('.') : '';
    super(`${message}: ${path || '(root)'}: ${first?.message ?? 'invalid'}`, details);
    this.path = path;
    this.issues = details.issues;
  }
}
