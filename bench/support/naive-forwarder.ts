import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { jwtVerify } from 'jose';

export interface NaiveForwarderOptions {
  moyskladApiUrl: string;
  login: string;
  password: string;
  /** amoCRM customer id → МойСклад counterparty id (the naive design still needs this mapping). */
  customers: Map<number, string>;
  token: { clientSecret: string; publicUrl: string };
}

/**
 * The design we compare against: no read model, every card view asks МойСклад live — the counterparty
 * first, then its bonus transactions and its last sales in parallel (the kindest order for the naive side).
 * It verifies the token signature too, so the comparison is not about skipped auth work.
 */
export async function startNaiveForwarder(options: NaiveForwarderOptions): Promise<{ url: string; close(): Promise<void> }> {
  const authorization = `Basic ${Buffer.from(`${options.login}:${options.password}`).toString('base64')}`;
  const key = new TextEncoder().encode(options.token.clientSecret);
  const audience = new URL(options.token.publicUrl).origin;
  const get = async (path: string) => {
    const response = await fetch(`${options.moyskladApiUrl}${path}`, { headers: { authorization, 'accept-encoding': 'gzip', accept: 'application/json;charset=utf-8' } });
    if (!response.ok) throw new Error(`МойСклад ${response.status}`);
    return (await response.json()) as Record<string, any>;
  };

  const app = express();
  app.get('/api/widget/customers/:id/card', async (req, res) => {
    try {
      await jwtVerify(String(req.headers['x-auth-token'] ?? ''), key, { audience, algorithms: ['HS256'] });
    } catch {
      res.status(401).end();
      return;
    }
    const counterpartyId = options.customers.get(Number(req.params.id));
    if (!counterpartyId) {
      res.status(404).end();
      return;
    }
    try {
      const counterparty = await get(`/entity/counterparty/${counterpartyId}`);
      const agent = encodeURIComponent(`agent=${counterparty.meta.href}`);
      const [transactions, sales] = await Promise.all([
        get(`/entity/bonustransaction?filter=${agent}&limit=100`),
        get(`/entity/retaildemand?filter=${agent}&order=moment,desc&limit=10&expand=positions.assortment`),
      ]);
      res.json({
        customer: { amoCustomerId: Number(req.params.id), moyskladId: counterparty.id, name: counterparty.name },
        points: counterparty.bonusPoints ?? 0,
        purchaseTotalKopecks: counterparty.salesAmount ?? 0,
        transactions: transactions.rows.length,
        purchases: sales.rows.map((sale: any) => ({ id: sale.id, number: sale.name, moment: sale.moment, sumKopecks: sale.sum })),
      });
    } catch {
      res.status(502).end();
    }
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
