import type { z } from 'zod';

export interface AmoErrorDetails {
  status?: number | undefined;
  /** `X-Request-Id` of the answer, for amoCRM support. */
  requestId?: string | undefined;
  method?: string | undefined;
  /** URL with credential-looking query parameters masked. */
  url?: string | undefined;
  /** `detail`/`title` of an application/problem+json body. */
  detail?: string | undefined;
  cause?: unknown;
}

/** The proxy's one URL redaction (proxy/redact.ts): errors and log lines mask the same secrets. */
export { redactUrl } from '../redact.js';

/** Base class: any failure talking to amoCRM. */
export class AmoError extends Error {
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly detail: string | undefined;

  constructor(message: string, details: AmoErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.requestId = details.requestId;
    this.method = details.method;
    this.url = details.url;
    this.detail = details.detail;
  }
}

/** 401 that one refresh could not cure (revoked, integration disabled, refresh token reused): reinstall needed. */
export class AmoAuthError extends AmoError {}

/** 429 that kept coming after the backoff retries. */
export class AmoRateLimitError extends AmoError {}

/**
 * 403: amoCRM blocked the account/IP for repeated limit violations (often an nginx HTML page). Every call for the
 * account stops (hammering would only extend the block) until a probe sent after a cool-down is answered or an
 * operator clears it (AmoAccountLimiter).
 */
export class AmoBlockedError extends AmoError {
  readonly accountId: string;
  readonly blockedSince: number;
  constructor(message: string, details: AmoErrorDetails & { accountId: string; blockedSince: number }) {
    super(message, details);
    this.accountId = details.accountId;
    this.blockedSince = details.blockedSince;
  }
}

export interface AmoItemError {
  code?: string | undefined;
  path?: string | undefined;
  detail?: string | undefined;
}

/** One rejected batch item: amoCRM's `request_id`, our input item, and why. */
export interface AmoRejectedItem<Item = unknown> {
  requestId: string;
  item: Item | undefined;
  errors: AmoItemError[];
}

/** 400 with `validation-errors`, mapped back to the batch items by `request_id`. */
export class AmoValidationError<Item = unknown> extends AmoError {
  readonly items: AmoRejectedItem<Item>[];
  constructor(message: string, details: AmoErrorDetails & { items: AmoRejectedItem<Item>[] }) {
    super(message, details);
    this.items = details.items;
  }
}

/** The call succeeded but the body had an unexpected shape; `path` names the offending field. */
export class AmoResponseShapeError extends AmoError {
  readonly path: string;
  readonly issues: readonly z.core.$ZodIssue[];
  constructor(message: string, details: AmoErrorDetails & { issues: readonly z.core.$ZodIssue[] }) {
    const first = details.issues[0];
    const path = first ? first.path.map(String).join('.') : '';
    super(`${message}: ${path || '(root)'}: ${first?.message ?? 'invalid'}`, details);
    this.path = path;
    this.issues = details.issues;
  }
}

/** No HTTP answer (reset, DNS, timeout). */
export class AmoNetworkError extends AmoError {}
