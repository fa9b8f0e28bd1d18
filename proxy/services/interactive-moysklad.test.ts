import type { InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { createMoySkladHttp } from '../moysklad/http.js';
import { MoySkladAuthError, MoySkladError, MoySkladNetworkError, MoySkladRateLimitError } from '../moysklad/errors.js';
import { MoySkladUserLimiters } from '../moysklad/user-limiters.js';
import { ServiceError } from './service-error.js';
import { classifyMoySkladError, INTERACTIVE_TIMEOUT_MS, InteractiveMoySklad } from './interactive-moysklad.js';

describe('classifyMoySkladError', () => {
  it.each([
    [new MoySkladAuthError('x', { status: 401, code: 1056 }), 'moysklad_auth_failed'],
    [new MoySkladError('x', { status: 403, code: 1061 }), 'moysklad_no_api_access'],
    [new MoySkladError('x', { status: 403 }), 'moysklad_no_api_access'],
    [new MoySkladError('x', { status: 403, code: 1043 }), 'moysklad_tariff'],
    [new MoySkladError('x', { status: 412, code: 1070 }), 'moysklad_tariff'],
    [new MoySkladError('x', { status: 402 }), 'moysklad_tariff'],
    [new MoySkladError('x', { status: 412, code: 62004 }), 'bonus_max_balance_exceeded'],
    [new MoySkladError('x', { status: 412, code: 3020 }), 'bonus_program_inactive'],
    [new MoySkladError('x', { status: 412, code: 3000 }), 'bonus_rejected'],
    [new MoySkladError('x', { status: 503 }), 'moysklad_unreachable'],
    [new MoySkladNetworkError('x'), 'moysklad_unreachable'],
    [new MoySkladRateLimitError('x', { status: 429, kind: 'rate' }), 'moysklad_unreachable'],
    [new Error('boom'), 'moysklad_unreachable'],
  ])('%s → %s', (error, code) => {
    expect(classifyMoySkladError(error)).toBe(code);
  });
});

describe('InteractiveMoySklad (a person is waiting)', () => {
  it('gives a failing МойСклад one quick retry and a bounded timeout, for the login as for every other call', async () => {
    const seen: InternalAxiosRequestConfig[] = [];
    const http = createMoySkladHttp({
      publicUrl: 'https://proxy.example.test',
      adapter: async (config) => {
        seen.push(config);
        return { status: 503, statusText: 'Service Unavailable', data: '', headers: {}, config };
      },
    });
    const adapter = new InteractiveMoySklad({ baseUrl: 'http://ms.test/api/remap/1.2', publicUrl: 'https://proxy.example.test', http, sleep: async () => undefined, limiters: new MoySkladUserLimiters() });
    await expect(adapter.obtainToken('admin@demo', 'password')).rejects.toMatchObject({ code: 'moysklad_unreachable' });
    expect(seen).toHaveLength(2);
    await expect(adapter.priceTypes('token')).rejects.toBeInstanceOf(ServiceError);
    expect(seen).toHaveLength(4);
    expect(seen.map((config) => config.timeout)).toEqual(Array(4).fill(INTERACTIVE_TIMEOUT_MS));
  });
});
