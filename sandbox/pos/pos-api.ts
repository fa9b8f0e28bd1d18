import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { searchBuyers, searchProducts } from './buyer-search.js';
import { PosError, type PosBackend } from './pos-backend.js';
import { checkPointsPayment } from './points-policy.js';
import {
  buyersQuerySchema,
  describeZodError,
  productsQuerySchema,
  returnRequestSchema,
  saleRequestSchema,
  salesQuerySchema,
} from './request-schemas.js';

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new PosError(400, 'invalid_request', describeZodError(result.error));
  return result.data;
}

/** Called with failures the cashier cannot fix (HTTP 500); the answer itself carries no internals. */
export type PosErrorLogger = (error: unknown) => void;

/** JSON endpoints behind the till page (mounted under `/api`). Answers `{code, message}` on errors. */
export function createPosApi(backend: PosBackend, logError: PosErrorLogger = () => {}): Router {
  const api = express.Router();
  api.use(express.json({ limit: '100kb' }));

  api.get('/program', (_req, res) => {
    res.json({ program: backend.activeProgram() });
  });

  api.get('/buyers', (req, res) => {
    const { query, limit } = parse(buyersQuerySchema, req.query);
    res.json({ buyers: searchBuyers(backend.listBuyers(), query, limit) });
  });

  api.get('/buyers/:id', (req, res) => {
    const buyer = backend.getBuyer(String(req.params.id));
    if (!buyer) throw new PosError(404, 'buyer_not_found', 'Покупатель не найден');
    res.json({ buyer });
  });

  api.get('/products', (req, res) => {
    const { query, folderId, limit } = parse(productsQuerySchema, req.query);
    const folders = backend.listFolders();
    res.json({ folders, products: searchProducts(backend.listProducts(), folders, query, folderId, limit) });
  });

  api.get('/sales', (req, res) => {
    const { limit } = parse(salesQuerySchema, req.query);
    res.json({ sales: backend.recentSales(limit) });
  });

  api.post('/sale', async (req, res) => {
    const sale = parse(saleRequestSchema, req.body);
    const products = new Map(backend.listProducts().map((p) => [p.id, p]));
    let sumKopecks = 0;
    for (const line of sale.positions) {
      const product = products.get(line.productId);
      if (!product) throw new PosError(422, 'product_not_found', `Товар ${line.productId} не найден или в архиве`);
      sumKopecks += product.priceKopecks * line.quantity;
    }
    let balance: number | null = null;
    if ('id' in sale.buyer) {
      const buyer = backend.getBuyer(sale.buyer.id);
      if (!buyer) throw new PosError(422, 'buyer_not_found', 'Покупатель не найден');
      balance = buyer.bonusPoints;
    }
    checkPointsPayment(sale.payWithPoints, sumKopecks, balance, backend.activeProgram());
    const receipt = await backend.sell(sale);
    res.status(201).json({ receipt });
  });

  api.post('/returns', async (req, res) => {
    const { saleId } = parse(returnRequestSchema, req.body);
    res.status(201).json({ return: await backend.returnSale(saleId) });
  });

  api.use((_req, _res, next) => next(new PosError(404, 'not_found', 'Нет такого адреса')));
  api.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => posErrorHandler(error, res, logError));
  return api;
}

/** Cashier-readable errors; the emulator's own refusals (ApiError-like `{status, message}`) pass through. */
function posErrorHandler(error: unknown, res: Response, logError: PosErrorLogger): void {
  if (error instanceof PosError) {
    res.status(error.status).json({ code: error.code, message: error.message });
    return;
  }
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : NaN;
  if (error instanceof SyntaxError && status === 400) {
    res.status(400).json({ code: 'invalid_json', message: 'Тело запроса — не JSON' });
    return;
  }
  if (status >= 400 && status < 500 && error instanceof Error) {
    // Not found and conflicts (e.g. "already returned") keep their status; other refusals are 422.
    res.status(status === 404 || status === 409 ? status : 422).json({ code: 'moysklad_refused', message: error.message });
    return;
  }
  // Unknown failures: no internals to the browser.
  logError(error);
  res.status(500).json({ code: 'internal_error', message: 'Касса не смогла выполнить операцию' });
}
