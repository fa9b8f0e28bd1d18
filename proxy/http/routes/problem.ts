import type { ErrorRequestHandler, Request } from 'express';
import { ZodError } from 'zod';
import { requestProblem, HttpError, PROBLEM_TYPE_BASE, sendProblem } from '../errors.js';
import { ServiceError } from '../../services/service-error.js';
import { pickLanguage, problemMessages, problemStatus, type ProblemCode } from './problem-messages.js';

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  [member: string]: unknown;
};

/**
 * A refusal the widget routes raise themselves (a malformed request, a missing Idempotency-Key): a code like a service's,
 * rendered the same way, for the problems only the edge can see.
 */
export class RouteProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'RouteProblem';
  }
}

/** A problem in the caller's language (Accept-Language: ru/en), with the stable `code`; sent with `sendProblem`. */
export function problemBody(req: Request, code: ProblemCode, extra: Record<string, unknown> = {}): ProblemBody {
  const lang = pickLanguage(req.headers['accept-language']);
  return {
    ...extra,
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: problemMessages[code].en,
    status: problemStatus[code],
    code,
    detail: problemMessages[code][lang],
  };
}


/** Only paths and messages of zod issues leave the server: never the received values. */
export function validationErrors(error: ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

type RequestLog = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

/** pino-http's per-request logger when the app installed it (it may not, e.g. in small tests). */
export function logOf(req: Request): RequestLog | undefined {
  return (req as Request & { log?: RequestLog }).log;
}

/**
 * Error handler mounted on the widget/hook routers so their answers do not depend on the app-wide
 * handler: expected problems keep their code, body-parser failures become 4xx, everything else is a
 * 500 without message or stack (the error is logged server-side with the request id).
 */
export const widgetErrorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  if (error instanceof ServiceError || error instanceof RouteProblem) {
    sendProblem(res, problemBody(req, error.code, error.extra));
    return;
  }
  if (error instanceof HttpError) {
    sendProblem(res, error.toProblem());
    return;
  }
  if (error instanceof ZodError) {
    sendProblem(res, problemBody(req, 'validation_failed', { errors: validationErrors(error) }));
    return;
  }
  const body = requestProblem(error);
  if (body) return sendProblem(res, problemBody(req, body.code === 'bad_request' ? 'validation_failed' : body.code));
  logOf(req)?.error({ err: error }, 'widget route failed');
  sendProblem(res, problemBody(req, 'internal_error'));
};
