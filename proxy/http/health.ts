import { Router } from 'express';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { pendingMigrations } from '../db/migrate.js';

const READY_CHECK_TIMEOUT_MS = 2_000;

/**
 * `/healthz`: the process is alive and serving (a liveness probe; never touches dependencies, so a database
 * outage does not get every instance restarted). `/readyz`: the database answers and every migration is
 * applied (a readiness probe: route traffic here).
 */
export function healthRoutes(database: Pick<DatabaseHandle, 'db' | 'dialect'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    try {
      const pending = await withTimeout(
        (async () => {
          await sql`select 1`.execute(database.db);
          return pendingMigrations(database.db, database.dialect);
        })(),
        READY_CHECK_TIMEOUT_MS,
      );
      if (pending.length > 0) {
        res.status(503).json({ status: 'migrations_pending', pending });
        return;
      }
      res.json({ status: 'ready', database: database.dialect });
    } catch (error) {
      req.log?.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'database_unavailable' });
    }
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
