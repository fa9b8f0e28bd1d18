import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAmoApiDataSource } from './amo-api-data-source.js';

// A fake of the few amoCRM API v4 reads the host makes, with HAL paging and 204 for "nothing".

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function startFakeApi(overrides: { customersBody?: unknown } = {}) {
  const app = express();
  const seenAuth: string[] = [];
  app.use((req, _res, next) => {
    seenAuth.push(req.get('authorization') ?? '');
    next();
  });
  const customer = (id: number, name: string, points?: string) => ({
    id, name, ltv: 7990, purchases_count: 2,
    custom_fields_values: points
      ? [{ field_id: 102, field_name: 'Бонусные баллы', field_code: 'BONUS_POINTS', field_type: 'numeric', values: [{ value: points }] }]
      : null,
    _embedded: { contacts: [{ id: 501, is_main: true }] },
  });
  app.get('/a/demo/api/v4/customers', (req, res) => {
    if (overrides.customersBody) return void res.json(overrides.customersBody);
    const page = Number(req.query.page ?? 1);
    const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/a/demo/api/v4/customers`;
    res.json({
      _page: page,
      _links: page === 1 ? { self: { href: base }, next: { href: `${base}?with=contacts&limit=250&page=2` } } : { self: { href: base } },
      _embedded: { customers: page === 1 ? [customer(1, 'Ирина', '534')] : [customer(2, 'Олег')] },
    });
  });
  app.get('/a/demo/api/v4/customers/custom_fields', (_req, res) =>
    res.json({ _embedded: { custom_fields: [
      { id: 102, name: 'Бонусные баллы', code: 'BONUS_POINTS', sort: 510 },
      { id: 101, name: 'Бонусная карта', code: 'BONUS_CARD', sort: 500 },
    ] } }),
  );
  app.get('/a/demo/api/v4/customers/1', (_req, res) => res.json(customer(1, 'Ирина', '534')));
  app.get('/a/demo/api/v4/customers/404', (_req, res) => res.status(204).end());
  let throttled = 0;
  app.get('/a/demo/api/v4/customers/429', (_req, res) => {
    if (throttled++ < 1) return void res.status(429).json({ title: 'Too Many Requests' });
    res.status(204).end();
  });
  app.get('/a/demo/api/v4/customers/401', (_req, res) => res.status(401).json({ title: 'Unauthorized' }));
  app.get('/a/demo/api/v4/customers/1/transactions', (_req, res) =>
    res.json({ _embedded: { transactions: [
      { id: 11, price: 1000, completed_at: 1_700_000_000, comment: 'old' },
      { id: 12, price: 6990, completed_at: 1_700_100_000, comment: null },
    ] } }),
  );
  app.get('/a/demo/api/v4/customers/1/notes', (_req, res) => res.status(204).end());
  app.get('/a/demo/api/v4/contacts/501', (_req, res) =>
    res.json({ id: 501, name: 'Ирина', custom_fields_values: [{ field_id: 1, field_code: 'PHONE', values: [{ value: '+79121234567', enum_code: 'MOB' }] }] }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server!.once('listening', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/a/demo`, seenAuth };
}

describe('createAmoApiDataSource', () => {
  it('lists customers across HAL pages with the points field and the bearer token', async () => {
    const api = await startFakeApi();
    const source = createAmoApiDataSource({ baseUrl: api.baseUrl, accessToken: 'long-lived-token' });
    expect(await source.listCustomers()).toEqual([
      { id: 1, name: 'Ирина', bonusPoints: '534', purchasesCount: 2, ltv: 7990 },
      { id: 2, name: 'Олег', bonusPoints: null, purchasesCount: 2, ltv: 7990 },
    ]);
    expect(api.seenAuth.every((h) => h === 'Bearer long-lived-token')).toBe(true);
  });

  it('assembles a card: fields in account order, contacts, newest purchase first, 204 notes as empty', async () => {
    const api = await startFakeApi();
    const card = await createAmoApiDataSource({ baseUrl: api.baseUrl, accessToken: () => 't' }).getCustomer(1);
    expect(card?.fields.map((f) => [f.name, f.displayValue])).toEqual([['Бонусная карта', ''], ['Бонусные баллы', '534']]);
    expect(card?.contacts).toEqual([{ id: 501, name: 'Ирина', phones: ['+79121234567'], emails: [] }]);
    expect(card?.transactions.map((t) => t.id)).toEqual([12, 11]);
    expect(card?.notes).toEqual([]);
  });

  it('answers null for a customer amoCRM does not have, and names the path of an unexpected body', async () => {
    const api = await startFakeApi({ customersBody: { _embedded: { customers: [{ id: 'x' }] } } });
    const source = createAmoApiDataSource({ baseUrl: api.baseUrl, accessToken: 't' });
    expect(await source.getCustomer(404)).toBeNull();
    expect(await source.getCustomer(429)).toBeNull(); // retried after the 429
    await expect(source.getCustomer(401)).rejects.toThrow(/answered 401/);
    await expect(source.listCustomers()).rejects.toThrow(/\/api\/v4\/customers returned an unexpected body/);
  });
});
