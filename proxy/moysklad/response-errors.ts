import {
  MoySkladAuthError,
  MoySkladConflictError,
  MoySkladError,
  MoySkladNotFoundError,
  MoySkladRateLimitError,
  type MoySkladErrorItem,
  type RequestSummary,
} from './errors.js';
import { errorBodySchema } from './schemas/common.js';

export type HeaderLookup = (name: string) => string | undefined;

const AUTH_CODES = new Set([1056]);
const PARALLEL_LIMIT_CODE = 1073;
/** From moysklad-fetch-planner's source (not the docs): X-Lognex-Auth 429005 marks the parallel limit. */
const PARALLEL_LIMIT_AUTH_HEADER = '429005';

export function numberHeader(headers: HeaderLookup, name: string): number | undefined {
  const raw = headers(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function parseErrorItems(bodyText: string): MoySkladErrorItem[] {
  if (!bodyText) return [];
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(bodyText));
    return parsed.success ? parsed.data.errors : [];
  } catch {
    return []; // 415 has an empty body, proxies answer with HTML: the status alone must be enough.
  }
}

/** Maps a non-2xx response to the matching error class. Pure: no I/O, no logging. */
export function errorFromResponse(status: number, bodyText: string, headers: HeaderLookup, request: RequestSummary): MoySkladError {
  const errors = parseErrorItems(bodyText);
  const first = errors[0];
  const details = {
    status,
    code: first?.code,
    moreInfo: first?.moreInfo,
    request,
    requestId: headers('x-request-id') ?? headers('x-lognex-request-id'),
    errors,
  };
  const message = `МойСклад ${request.method} ${new URL(request.url).pathname} failed with HTTP ${status}` + (first ? `: ${first.code ?? ''} ${first.error}` : '');

  if (status === 401 || (first?.code !== undefined && AUTH_CODES.has(first.code))) return new MoySkladAuthError(message, details);
  if (status === 429) {
    const parallel = first?.code === PARALLEL_LIMIT_CODE || headers('x-lognex-auth') === PARALLEL_LIMIT_AUTH_HEADER;
    const retryAfterMs = numberHeader(headers, 'x-lognex-retry-after') ?? numberHeader(headers, 'x-lognex-reset');
    return new MoySkladRateLimitError(message, { ...details, kind: parallel ? 'parallel' : 'rate', retryAfterMs });
  }
  if (status === 404) return new MoySkladNotFoundError(message, details);
  if (status === 409 || first?.code === 1028) {
    return new MoySkladConflictError(message, { ...details, dependencies: errors.flatMap((item) => item.dependencies ?? []) });
  }
  return new MoySkladError(message, details);
}
