import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { PosBackend } from './pos-backend.js';
import { createPosRouterForBackend } from './pos-router.js';

const failing: PosBackend = {
  listBuyers: () => [],
  getBuyer: () => undefined,
  listFolders: () => [],
  listProducts: () => [],
  activeProgram: () => null,
  recentSales: () => {
    throw new Error('store exploded: secret=hunter2');
  },
  sell: async () => {
    throw new Error('not reached');
  },
  returnSale: async () => {
    throw Object.assign(new Error('Объект не найден'), { status: 404 });
  },
};

describe('till API failures', () => {
  it('answers 500 without internals, reports the error to the logger, and passes refusals through', async () => {
    const logged: unknown[] = [];
    const app = express();
    app.use('/till', createPosRouterForBackend(failing, (e) => logged.push(e)));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/till`;
    try {
      const crash = await fetch(`${base}/api/sales`);
      expect(crash.status).toBe(500);
      const text = await crash.text();
      expect(text).not.toContain('hunter2');
      expect(JSON.parse(text).code).toBe('internal_error');
      expect(logged).toHaveLength(1);

      const missing = await fetch(`${base}/api/returns`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"saleId":"x"}' });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ code: 'moysklad_refused', message: 'Объект не найден' });

      const unknownRoute = await fetch(`${base}/api/nothing`);
      expect(unknownRoute.status).toBe(404);
      const page = await fetch(base);
      expect(await page.text()).toContain('data-base="/till"');
      // Points are refused when no program is active, before anything reaches МойСклад.
      const sale = await fetch(`${base}/api/sale`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ buyer: { id: 'b' }, positions: [{ productId: 'p', quantity: 1 }], payWithPoints: 5 }),
      });
      expect(sale.status).toBe(422);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
