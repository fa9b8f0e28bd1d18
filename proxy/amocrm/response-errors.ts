import { AmoError, AmoValidationError } from './errors.js';
import { problemSchema, type Problem } from './schemas/problem.js';

/** Parses an application/problem+json body; undefined for anything else (nginx HTML pages on 403/5xx). */
export function safeProblem(body: string): Problem | undefined {
  try {
    const parsed = problemSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // nginx HTML pages on 403/5xx
  }
}

/** Maps a non-2xx answer to an error (the transport handles 401/403/429 itself before this). */
export function errorFromResponse(status: number, body: string, where: { method: string; url: string; requestId: string | undefined }): AmoError {
  const problem = safeProblem(body);
  const detail = problem?.detail ?? problem?.title;
  const message = `amoCRM ${where.method} ${new URL(where.url).pathname} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`;
  const validation = problem?.['validation-errors'];
  if (status === 400 && validation && validation.length > 0) {
    return new AmoValidationError(message, { ...where, status, detail, items: validation.map((item) => ({ requestId: item.request_id, item: undefined, errors: item.errors })) });
  }
  return new AmoError(message, { ...where, status, detail });
}
