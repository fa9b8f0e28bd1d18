import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { requestProblem, HttpError, type ProblemDocument, internalErrorProblem, problem, sendProblem } from './errors.js';


/** Unknown routes: a problem+json 404 (routers mounted before this answer their own paths). */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, problem(404, 'not_found', 'Not Found', `No route for ${req.method} ${req.path}`));
};

const BODY_PROBLEM_TEXT = {
  malformed_body: ['Bad Request', 'The request body is not valid JSON.'],
  body_too_large: ['Content Too Large', 'The request body is too large.'],
  unsupported_media_type: ['Unsupported Media Type', 'The request body has an unsupported encoding or charset.'],
  bad_request: ['Bad Request', 'The request body could not be read.'],
  malformed_path: ['Bad Request', 'The request path has a malformed percent-escape.'],
} as const;

/** Maps an error to the answer a client may see. Anything unrecognised is a 500 without details. */
function toProblem(error: unknown, req: Request): ProblemDocument {
  if (error instanceof HttpError) return error.toProblem();
  if (error instanceof ZodError) {
    return problem(400, 'validation_failed', 'Bad Request', error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  }
  const body = requestProblem(error);
  if (body) {
    const [title, detail] = BODY_PROBLEM_TEXT[body.code];
    return problem(body.status, body.code, title, detail);
  }
  return internalErrorProblem(typeof req.id === 'string' ? req.id : undefined);
}

/**
 * The one app-wide error middleware (Express 5 forwards rejected async handlers here). 5xx are logged with
 * the error and stack, and answered without them; 4xx are logged briefly.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const body = toProblem(error, req);
  // pino-http's completion line logs `res.err` (with stack) at error level, so 5xx are logged once, with the
  // request id, method and url.
  if (body.status >= 500) res.err = error instanceof Error ? error : new Error(String(error));
  else req.log?.warn({ code: body.code, status: body.status }, 'request rejected');
  sendProblem(res, body);
};
