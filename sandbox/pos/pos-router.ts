import express, { type Router } from 'express';
import { createPosApi, type PosErrorLogger } from './pos-api.js';
import type { PosBackend } from './pos-backend.js';
import { renderPosPage } from './page.js';

/**
 * The till («Касса МойСклад») as an Express router over any PosBackend: `GET /` is the page,
 * `/api/*` the JSON endpoints. Mount it anywhere (e.g. `app.use('/pos', router)`); the page finds its
 * API through the mount path.
 */
export function createPosRouterForBackend(backend: PosBackend, logError?: PosErrorLogger): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    res
      .type('html')
      // The page is generated per mount path and talks to live data: never cache it.
      .set('Cache-Control', 'no-store')
      .set('Content-Security-Policy', "default-src 'self'; img-src data:; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
      .send(renderPosPage(req.baseUrl));
  });
  router.use('/api', createPosApi(backend, logError));
  return router;
}
