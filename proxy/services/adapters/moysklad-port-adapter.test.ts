import { describe, expect, it } from 'vitest';
import { MoySkladAuthError, MoySkladError, MoySkladNetworkError, MoySkladRateLimitError } from '../../moysklad/errors.js';
import { classifyMoySkladError } from './moysklad-port-adapter.js';

describe('classifyMoySkladError', () => {
  it.each([
    [new MoySkladAuthError('x', { status: 401, code: 1056 }), 'auth_failed'],
    [new MoySkladError('x', { status: 403, code: 1061 }), 'no_api_access'],
    [new MoySkladError('x', { status: 403 }), 'no_api_access'],
    [new MoySkladError('x', { status: 403, code: 1043 }), 'tariff'],
    [new MoySkladError('x', { status: 412, code: 1070 }), 'tariff'],
    [new MoySkladError('x', { status: 402 }), 'tariff'],
    [new MoySkladError('x', { status: 412, code: 62004 }), 'max_balance_exceeded'],
    [new MoySkladError('x', { status: 412, code: 3020 }), 'no_active_program'],
    [new MoySkladError('x', { status: 412, code: 3000 }), 'rejected'],
    [new MoySkladError('x', { status: 503 }), 'unreachable'],
    [new MoySkladNetworkError('x'), 'unreachable'],
    [new MoySkladRateLimitError('x', { status: 429, kind: 'rate' }), 'unreachable'],
    [new Error('boom'), 'unreachable'],
  ])('%s → %s', (error, failure) => {
    expect(classifyMoySkladError(error)).toBe(failure);
  });
});
