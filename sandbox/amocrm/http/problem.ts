import type { ErrorRequestHandler, Response } from 'express';

/** amoCRM answers errors as application/problem+json; these classes carry them up to one error handler. */

export interface FieldError {
  code: string;
  path: string;
  detail: string;
}

export interface ValidationEntry {
  request_id: string;
  errors: FieldError[];
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  toBody(): Record<string, unknown> {
    return { title: this.title, type: `https://httpstatus.es/${this.status}`, status: this.status, detail: this.message, ...this.extra };
  }
}

export class ValidationProblem extends ApiProblem {
  constructor(readonly entries: ValidationEntry[]) {
    super(400, 'Bad Request', 'Request validation failed');
  }

  override toBody(): Record<string, unknown> {
    return { 'validation-errors': this.entries, ...super.toBody() };
  }
}

/** The OAuth server uses its own problem type (see the "Token has been revoked" sample in the reference). */
export class OAuthProblem extends ApiProblem {
  constructor(status: number, hint: string, detail: string) {
    super(status, 'Некорректный запрос', detail, { hint });
  }

  override toBody(): Record<string, unknown> {
    return { hint: this.extra['hint'], title: this.title, type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson', status: this.status, detail: this.message };
  }
}

export const notFound = (what: string): ApiProblem => new ApiProblem(404, 'Not Found', `${what} not found`);
export const forbidden = (detail: string): ApiProblem => new ApiProblem(403, 'Forbidden', detail);

export function sendProblem(res: Response, problem: ApiProblem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.toBody()));
}

/** The nginx page amoCRM serves when an account/IP is blocked for repeated 429s (amocrm-api-php#434). */
export function sendNginxPage(res: Response, status: 403 | 504, text: string): void {
  res
    .status(status)
    .type('text/html')
    .send(`<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`);
}

export const problemErrorHandler: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof ApiProblem) return sendProblem(res, err);
  const parseError = err as { type?: string; status?: number };
  if (parseError.type === 'entity.parse.failed' || parseError.type === 'entity.too.large') {
    return sendProblem(res, new ApiProblem(parseError.status ?? 400, 'Bad Request', 'Request body is not valid JSON'));
  }
  sendProblem(res, new ApiProblem(500, 'Internal Server Error', 'Unexpected emulator error'));
  // Surface the bug to whoever runs the emulator instead of hiding it behind a generic 500.
  console.error('[amocrm-emulator]', err);
};
