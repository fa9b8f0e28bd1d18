import { MoySkladPortError, type MoySkladFailure } from './ports.js';
import { ServiceError } from './service-error.js';

/** How each МойСклад failure category reaches the widget (status and stable code). */
const failureToProblem: Record<MoySkladFailure, ServiceError> = {
  auth_failed: new ServiceError(422, 'moysklad_auth_failed'),
  no_api_access: new ServiceError(403, 'moysklad_no_api_access'),
  tariff: new ServiceError(402, 'moysklad_tariff'),
  unreachable: new ServiceError(502, 'moysklad_unreachable'),
  max_balance_exceeded: new ServiceError(422, 'bonus_max_balance_exceeded'),
  no_active_program: new ServiceError(422, 'bonus_program_inactive'),
  rejected: new ServiceError(422, 'bonus_rejected'),
};

/** Re-throws a МойСклад port failure as the ServiceError the widget understands; other errors pass through. */
export function asServiceError(error: unknown): unknown {
  if (error instanceof MoySkladPortError) {
    const template = failureToProblem[error.failure];
    return new ServiceError(template.status, template.code);
  }
  return error;
}
