import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAmoApiWidgetStateStore } from './amo-api-widget-state-store.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function startFakeWidgetsApi() {
  const state: { installed: boolean; settings: unknown } = { installed: false, settings: [] };
  const auth: string[] = [];
  const app = express();
  app.use(express.json());
  app.get('/a/demo/api/v4/widgets/moysklad', (req, res) => {
    auth.push(req.get('authorization') ?? '');
    res.json({ code: 'moysklad', is_active_in_account: state.installed, settings: state.settings });
  });
  app.post('/a/demo/api/v4/widgets/moysklad', (req, res) => {
    state.installed = true;
    state.settings = req.body;
    res.json({ code: 'moysklad', is_active_in_account: true, settings: state.settings });
  });
  app.get('/a/broken/api/v4/widgets/moysklad', (_req, res) => res.json({ code: 'moysklad' }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server!.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, auth, store: createAmoApiWidgetStateStore({ baseUrl: (sub) => `${origin}/a/${sub}`, accessToken: () => 'admin-token', widgetCode: 'moysklad' }) };
}

describe('createAmoApiWidgetStateStore', () => {
  it('reads "not installed" from amoCRM, installs with the settings and reads them back', async () => {
    const api = await startFakeWidgetsApi();
    expect(await api.store.get('demo')).toEqual({ status: 'install', active: false, settings: {} });
    await api.store.set('demo', { status: 'installed', active: true, settings: { config: '{"consent":1}' } });
    expect(api.state.settings).toEqual({ config: '{"consent":1}' });
    expect(await api.store.get('demo')).toEqual({ status: 'installed', active: true, settings: { config: '{"consent":1}' } });
    expect(api.auth).toEqual(['Bearer admin-token', 'Bearer admin-token']);
  });

  it('leaves disabling to the uninstall hook and rejects an unexpected answer', async () => {
    const api = await startFakeWidgetsApi();
    await api.store.set('demo', { status: 'install', active: false, settings: {} });
    expect(api.state.installed).toBe(false);
    await expect(api.store.get('broken')).rejects.toThrow(/unexpected body/);
    await expect(api.store.get('missing')).rejects.toThrow(/answered 404/);
  });
});
