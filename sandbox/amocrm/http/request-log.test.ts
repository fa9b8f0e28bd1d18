import { afterEach, describe, expect, it } from 'vitest';
import { apiClient, manualClock, startHarness, type Harness } from '../test-support.js';
import { routeTemplate } from './request-log.js';

describe('per-account request log', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.emu.close();
    h = undefined;
  });

  it('folds numeric path segments into {id}', () => {
    expect(routeTemplate('/api/v4/customers/31000123/notes/77')).toBe('/api/v4/customers/{id}/notes/{id}');
    expect(routeTemplate('/api/v4/customers/notes')).toBe('/api/v4/customers/notes');
  });

  it('records method, path, route, batch size, User-Agent, status and the caller kind of every call, whatever its answer', async () => {
    const clock = manualClock();
    const started = await startHarness({ now: clock.now, rateLimit: { perSecond: 4, blockAfterViolations: 10 } });
    h = started;
    const ua = { 'user-agent': 'moysklad-amocrm/1.2.3 (+https://proxy.example)' };
    await started.api('PATCH', '/api/v4/customers/mode', { mode: 'segments', is_enabled: true }, ua);
    const [{ id }] = (await started.api('POST', '/api/v4/customers', [{ name: 'А' }, { name: 'Б' }, { name: 'В' }], ua)).json._embedded.customers;
    await started.api('POST', `/api/v4/customers/${id}/notes`, [{ note_type: 'common' }], ua); // 400: params.text missing
    await started.api('GET', `/api/v4/customers/${id}?with=contacts`, undefined, ua);
    await started.api('GET', '/api/v4/account', undefined, ua); // the 5th call in one second: 429
    await started.api('GET', '/api/v4/account', undefined, { authorization: 'Bearer nope' });
    const ui = apiClient(started.base, () => uiToken);
    const uiToken = await started.emu.issueUiToken('demo');
    await ui('GET', '/api/v4/account');

    const log = started.emu.requestLog('demo');
    expect(log.map((e) => [e.method, e.route, e.items, e.status, e.ui])).toEqual([
      ['PATCH', '/api/v4/customers/mode', null, 200, false],
      ['POST', '/api/v4/customers', 3, 200, false],
      ['POST', '/api/v4/customers/{id}/notes', 1, 400, false],
      ['GET', '/api/v4/customers/{id}', null, 200, false],
      ['GET', '/api/v4/account', null, 429, false],
      ['GET', '/api/v4/account', null, 401, false],
      ['GET', '/api/v4/account', null, 200, true],
    ]);
    expect(log[2]!.path).toBe(`/api/v4/customers/${id}/notes`);
    expect(log[3]!.query).toEqual({ with: 'contacts' });
    expect(log.slice(0, 5).every((e) => e.userAgent === ua['user-agent'])).toBe(true);
    expect(log[5]!.userAgent).not.toBe(ua['user-agent']);
    expect(log.every((e) => e.at === clock.now())).toBe(true);

    // The log is a copy, and resetStats forgets it together with the limiter's counters.
    log.length = 0;
    expect(started.emu.requestLog('demo')).toHaveLength(7);
    started.emu.resetStats('demo');
    expect(started.emu.requestLog('demo')).toEqual([]);
    expect(started.emu.stats('demo').requests).toBe(0);
  });
});
