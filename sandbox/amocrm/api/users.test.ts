import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support.js';

// Conformance with amo-docs crm_platform/users-api (https://www.amocrm.ru/developers/content/crm_platform/users-api).
describe('users API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.emu.close());

  it('answers one user by id in the documented model (id, name, email, lang, rights, _links.self)', async () => {
    const { status, type, json } = await h.api('GET', '/api/v4/users/5000001');
    expect(status).toBe(200);
    expect(type).toContain('application/hal+json');
    expect(json).toMatchObject({
      id: 5000001,
      name: 'Анна Админова',
      email: expect.stringMatching(/@/),
      lang: 'ru',
      rights: { is_admin: true, is_free: false, is_active: true, group_id: null, role_id: null },
      _links: { self: { href: `${h.base}/api/v4/users/5000001` } },
    });
    expect(json._embedded).toBeUndefined();
    const manager = await h.api('GET', '/api/v4/users/5000002?with=role,group');
    expect(manager.json).toMatchObject({ id: 5000002, rights: { is_admin: false }, _embedded: { roles: [], groups: [{ id: 0, name: 'Отдел продаж' }] } });
  });

  it('lists the account’s users as a HAL page', async () => {
    const { status, json } = await h.api('GET', '/api/v4/users?limit=1');
    expect(status).toBe(200);
    expect(json._page).toBe(1);
    expect(json._embedded.users.map((user: { id: number }) => user.id)).toEqual([5000001]);
    expect(json._links.next.href).toContain('page=2');
    const all = await h.api('GET', '/api/v4/users');
    expect(all.json._embedded.users.map((user: { name: string }) => user.name)).toEqual(['Анна Админова', expect.any(String)]);
  });

  it('is for administrators only (403 for a manager’s token), and answers 204 for an unknown id', async () => {
    const managerToken = await h.emu.issueLongLivedToken('demo', 600, 5000002);
    for (const path of ['/api/v4/users', '/api/v4/users/5000001']) {
      const refused = await h.api('GET', path, undefined, { authorization: `Bearer ${managerToken}` });
      expect(refused.status).toBe(403);
      expect(refused.type).toContain('application/problem+json');
    }
    const missing = await h.api('GET', '/api/v4/users/42');
    expect(missing.status).toBe(204);
    expect(missing.text).toBe('');
    expect((await h.api('GET', '/api/v4/users/abc')).status).toBe(204);
  });
});
