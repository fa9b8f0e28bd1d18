import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ApiError } from '../api-error.js';

/** What the sandbox-only till endpoints call on the emulator. */
export interface TillOperations {
  sellAtTill(input: unknown): unknown;
  returnAtTill(retaildemandId: string, input: unknown): unknown;
}

const returnInput = z.object({ retaildemandId: z.string().min(1) }).passthrough();

/**
 * `/sandbox/till/*`: NOT part of the МойСклад API. Plain JSON (no gzip or auth required) so a page or
 * a script can play «Касса МойСклад». Errors use the МойСклад `{errors:[…]}` shape.
 */
export function sandboxRoutes(till: TillOperations): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*').set('Access-Control-Allow-Headers', 'Content-Type');
    next();
  });
  router.options('/{*any}', (_req, res) => {
    res.status(204).end();
  });
  router.use(express.json({ limit: '2mb' }));

  router.post('/till/sale', (req, res) => {
    res.json(till.sellAtTill(req.body));
  });

  router.post('/till/return', (req, res) => {
    const parsed = returnInput.safeParse(req.body);
    if (!parsed.success) throw new ApiError(400, 2016, 'Ожидается {"retaildemandId": "<uuid>", "positions"?: […]}');
    const { retaildemandId, ...input } = parsed.data;
    res.json(till.returnAtTill(retaildemandId, input));
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      res.status(error.status).json({ errors: [error.toItem()] });
      return;
    }
    const status = (error as { status?: number }).status ?? 500;
    res.status(status >= 400 && status < 500 ? status : 500).json({ errors: [{ error: String((error as Error).message), code: 1000, moreInfo: '' }] });
  });
  return router;
}
