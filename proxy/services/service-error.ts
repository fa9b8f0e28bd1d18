/**
 * Every refusal a widget-facing service can give, by its stable code (the widget switches on it), and whether asking
 * again later may succeed. A *definite* refusal is an answer: an idempotent request keeps it and a retry with the same
 * key gets it again (proxy/services/idempotent-execution.ts). A *transient* one is not kept, so the retry runs again.
 * How a code reaches a client (its HTTP status, its texts) is decided at the edge, in
 * proxy/http/routes/problem-messages.ts; a test there checks that no 5xx code is kept as an answer.
 */
const serviceRefusals = {
  not_connected: 'definite',
  moysklad_auth_failed: 'definite',
  moysklad_no_api_access: 'definite',
  moysklad_tariff: 'definite',
  moysklad_unreachable: 'transient',
  moysklad_needs_reauth: 'definite',
  customer_importing: 'definite',
  customer_not_linked: 'definite',
  idempotency_key_reused: 'definite',
  idempotency_in_progress: 'transient',
  bonus_program_inactive: 'definite',
  bonus_amount_out_of_bounds: 'definite',
  bonus_insufficient_points: 'definite',
  bonus_max_balance_exceeded: 'definite',
  bonus_operation_limit_exceeded: 'definite',
  bonus_daily_limit_exceeded: 'definite',
  bonus_rejected: 'definite',
  job_not_found: 'definite',
  job_not_failed: 'definite',
  referral_not_found: 'definite',
  referral_phone_invalid: 'definite',
  referral_code_invalid: 'definite',
  referral_daily_limit: 'definite',
  referral_consent_required: 'definite',
  referral_self: 'definite',
  referral_existing_customer: 'definite',
  referral_phone_used: 'definite',
  referral_unavailable: 'transient',
} as const satisfies Record<string, 'definite' | 'transient'>;

export type ServiceErrorCode = keyof typeof serviceRefusals;

export const SERVICE_ERROR_CODES = Object.keys(serviceRefusals) as ServiceErrorCode[];

export function isServiceErrorCode(value: string): value is ServiceErrorCode {
  return Object.hasOwn(serviceRefusals, value);
}

/** An expected refusal with a stable `code`. Services throw it; the edge renders it (proxy/http/routes/problem.ts). */
export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    /** Extra machine-readable members (e.g. the balance that made a redeem impossible); never secrets. */
    readonly extra: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, options);
    this.name = 'ServiceError';
  }

  /** Whether the same request may succeed later (МойСклад unreachable…): then it is not kept as the request's answer. */
  get transient(): boolean {
    return serviceRefusals[this.code] === 'transient';
  }
}
