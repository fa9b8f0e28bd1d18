import type { ErrorRequestHandler, Request, Response } from 'express';
import { ZodError } from 'zod';
import { requestProblem, HttpError, PROBLEM_TYPE_BASE } from '../errors.js';
import { ServiceError } from '../../services/service-error.js';
import { pickLanguage, problemMessages, type ProblemCode } from './problem-messages.js';

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  [member: string]: unknown;
};

export function problemBody(req: Request, status: number, code: ProblemCode, extra: Record<string, unknown> = {}): ProblemBody {
  const lang = pickLanguage(req.headers['accept-language']);
  return {
    ...extra,
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: problemMessages[code].en,
    status,
    code,
    detail: problemMessages[code][lang],
  };
}

export function sendProblem(req: Request, res: Response, status: number, code: ProblemCode, extra: Record<string, unknown> = {}): void {
  res.status(status).type('application/problem+json').send(JSON.stringify(problemBody(req, status, code, extra)));
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
  if (error instanceof ServiceError) {
    sendProblem(req, res, error.status, error.code, error.extra);
    return;
  }
  if (error instanceof HttpError) {
    res.status(error.status).type('application/problem+json').send(JSON.stringify(error.toProblem()));
    return;
  }
  if (error instanceof ZodError) {
    sendProblem(req, res, 400, 'validation_failed', { errors: validationErrors(error) });
    return;
  }
  const body = requestProblem(error);
  if (body) return sendProblem(req, res, body.status, body.code === 'bad_request' ? 'validation_failed' : body.code);
  logOf(req)?.error({ err: error }, 'widget route failed');
  sendProblem(req, res, 500, 'internal_error');
};
