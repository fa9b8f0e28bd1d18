import { isWidgetApiError } from '../api/errors.js';
import type { Translate } from './i18n.js';

/** An error whose message is already a localised sentence meant for the user. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}

/**
 * The message shown for a failed call: the proxy's localised `detail` when it sent one (it knows the
 * cause best), else our own string for the code, else a generic one.
 */
export function describeError(t: Translate, error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  if (!isWidgetApiError(error)) return t('errors.generic');
  if (error.detail) return error.detail;
  if (error.status === 403 && error.code === 'http_403') return t('errors.forbidden');
  const own = t(`errors.${error.code}`);
  return own === `errors.${error.code}` ? t('errors.generic') : own;
}

export function errorCode(error: unknown): string | null {
  return isWidgetApiError(error) ? error.code : null;
}
