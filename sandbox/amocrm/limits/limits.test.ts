import { afterEach, describe, expect, it } from 'vitest';
import { AmoCrmEmulator } from '../emulator.js';
import { INTEGRATION, apiClient, manualClock } from '../test-support.js';

describe('rate limit, block and faults', () => {
  let emu: AmoCrmEmulator;
  afterEach(async () => emu.close());

  async function start(blockAfterViolations = 3) {
    const clock = manualClock();
    emu = new AmoCrmEmulator({ integration: INTEGRATION, now: clock.now, rateLimit: { perSecond: 7, blockAfterViolations } });
    await emu.listen(0);
    const token = await emu.issueLongLivedToken('demo', 86_400);
    return { clock, api: apiClient(emu.accountBaseUrl('demo'), () => token) };
  }

  it('accepts 7 calls per second and answers the 8th with 429 problem+json', async () => {
    const { clock, api } = await start(100);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await api('GET', '/api/v4/account')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
    const rejected = await api('GET', '/api/v4/account');
    expect(rejected.type).toContain('application/problem+json');
    expect(rejected.json.status).toBe(429);
    clock.advance(1000);
    expect((await api('GET', '/api/v4/account')).status).toBe(200);
    const stats = emu.stats('demo');
    expect(stats).toMatchObject({ requests: 10, rejected429: 2, blocked: false });
    expect(stats.timeline).toHaveLength(8);
    expect(emu.maxAcceptedInAnyWindow('demo')).toBe(7);
  });

  it('turns repeated 429s into a 403 nginx page for every call until unblocked', async () => {
    const { clock, api } = await start(3);
    for (let i = 0; i < 7; i += 1) await api('GET', '/api/v4/account');
    for (let i = 0; i < 3; i += 1) expect((await api('GET', '/api/v4/account')).status).toBe(429);
    clock.advance(5000);
    const blocked = await api('GET', '/api/v4/account');
    expect(blocked.status).toBe(403);
    expect(blocked.type).toContain('text/html');
    expect(blocked.text).toContain('nginx');
    expect((await fetch(`${emu.accountBaseUrl('demo')}/api/v4/contacts`)).status).toBe(403); // even without a token
    expect(emu.stats('demo').blocked).toBe(true);
    emu.unblock('demo');
    expect((await api('GET', '/api/v4/account')).status).toBe(200);
  });

  it('injects failNext, failFor and 504 for large batches', async () => {
    const { clock, api } = await start(100);
    emu.faults = { failNext: { count: 2, status: 503 } };
    expect((await api('GET', '/api/v4/account')).status).toBe(503);
    expect((await api('GET', '/api/v4/account')).status).toBe(503);
    clock.advance(1000);
    expect((await api('GET', '/api/v4/account')).status).toBe(200);
    emu.faults = { failFor: { untilMs: clock.now() + 500, status: 500 } };
    expect((await api('GET', '/api/v4/account')).status).toBe(500);
    clock.advance(600);
    expect((await api('GET', '/api/v4/account')).status).toBe(200);
    emu.faults = { slowBatchOver: 2 };
    const tooBig = await api('POST', '/api/v4/contacts', [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect(tooBig.status).toBe(504);
    expect((await api('POST', '/api/v4/contacts', [{ name: 'a' }, { name: 'b' }])).status).toBe(200);
  });

  it("does not limit, block or fault amoCRM's own UI token, and does not count it", async () => {
    const { api } = await start(1);
    const uiToken = await emu.issueUiToken('demo', 5000002);
    const ui = apiClient(emu.accountBaseUrl('demo'), () => uiToken);
    for (let i = 0; i < 8; i += 1) await api('GET', '/api/v4/account');
    expect(emu.stats('demo').blocked).toBe(true);
    emu.faults = { failNext: { count: 1, status: 500 } };
    const statuses = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await ui('GET', '/api/v4/account')).status);
    expect(statuses).toEqual(Array(10).fill(200));
    expect(emu.stats('demo')).toMatchObject({ requests: 8, rejected429: 1 });
    await emu.uninstallWidget('demo');
    expect((await ui('GET', '/api/v4/account')).json.current_user_id).toBe(5000002);
  });
});
