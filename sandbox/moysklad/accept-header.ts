import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.js';

/**
 * Error 1062: an `Accept` header must allow `application/json;charset=utf-8`. How strictly the real
 * service compares is unconfirmed, so the emulator only refuses headers that cannot mean JSON at all
 * (axios' default "application/json, text/plain, *\/*" passes).
 */
export function checkAcceptHeader(req: Request, _res: Response, next: NextFunction): void {
  const accept = req.headers.accept;
  if (accept === undefined || accept === '') return next();
  const types = accept.split(',').map((part) => part.trim().split(';')[0]!.toLowerCase());
  if (types.some((type) => type === 'application/json' || type === '*/*' || type === 'application/*')) return next();
  next(new ApiError(415, 1062, `Неверное значение заголовка 'Accept': ожидается 'application/json;charset=utf-8'`));
}
