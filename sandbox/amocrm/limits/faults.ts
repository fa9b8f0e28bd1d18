import type { RequestHandler } from 'express';
import { ApiProblem, sendNginxPage, sendProblem } from '../http/problem.js';

/**
 * Fault injection for resilience tests, applied to API v4 calls after authentication and the rate limit.
 * `failNext` answers the next `count` calls with `status`; `failFor` answers every call until the emulator clock
 * passes `untilMs`; `slowBatchOver` answers 504 (nginx page) to batch bodies longer than n items, as amoCRM
 * does for heavy batches (observed, not in amoCRM's documentation; proxy/amocrm/batch.ts halves such chunks).
 */
export interface Faults {
  failNext?: { count: number; status: number };
  /** Like failNext, for `POST /oauth2/access_token` only (e.g. a 5xx during a token refresh). */
  failTokenEndpointNext?: { count: number; status: number };
  failFor?: { untilMs: number; status: number };
  slowBatchOver?: number;
  /** Extra delay before every API call is handled (lets tests overlap requests of concurrent jobs). */
  latencyMs?: number;
}

export function faultInjector(getFaults: () => Faults, now: () => number): RequestHandler {
  return (req, res, next) => {
    const faults = getFaults();
    if (faults.failNext && faults.failNext.count > 0) {
      faults.failNext.count -= 1;
      return injected(res, faults.failNext.status);
    }
    if (faults.failFor && now() < faults.failFor.untilMs) return injected(res, faults.failFor.status);
    if (faults.slowBatchOver !== undefined && Array.isArray(req.body) && req.body.length > faults.slowBatchOver) {
      return sendNginxPage(res, 504, 'Gateway Time-out');
    }
    if (faults.latencyMs) setTimeout(next, faults.latencyMs);
    else next();
  };
}

/** Applies `failTokenEndpointNext` to the OAuth token endpoint. */
export function tokenEndpointFaults(getFaults: () => Faults): RequestHandler {
  return (_req, res, next) => {
    const fault = getFaults().failTokenEndpointNext;
    if (!fault || fault.count <= 0) return next();
    fault.count -= 1;
    injected(res, fault.status);
  };
}

function injected(res: Parameters<RequestHandler>[1], status: number): void {
  if (status === 504 || status === 403) return sendNginxPage(res, status, status === 504 ? 'Gateway Time-out' : 'Forbidden');
  sendProblem(res, new ApiProblem(status, 'Injected fault', `Fault injected by the emulator (HTTP ${status})`));
}
