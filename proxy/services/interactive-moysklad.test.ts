import type { InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { createMoySkladHttp } from '../moysklad/http.js';
import { MoySkladAuthError, MoySkladError, MoySkladNetworkError, MoySkladRateLimitError } from '../moysklad/errors.js';
import { MoySkladUserLimiters } from '../moysklad/user-limiters.js';
import { MoySkladPortError } from './ports.js';
import { classifyMoySkladError, INTERACTIVE_TIMEOUT_MS, InteractiveMoySklad } from './interactive-moysklad.js';

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
    await expect(adapter.obtainToken('admin@demo', 'password')).rejects.toMatchObject({ failure: 'unreachable' });
    expect(seen).toHaveLength(2);
    await expect(adapter.priceTypes('token')).rejects.toBeInstanceOf(MoySkladPortError);
    expect(seen).toHaveLength(4);
    expect(seen.map((config) => config.timeout)).toEqual(Array(4).fill(INTERACTIVE_TIMEOUT_MS));
  });
});
