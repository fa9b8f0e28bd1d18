import type { Request, RequestHandler, Response } from 'express';

/**
 * What the emulator saw of one `/api/v4` call, so a test can assert what a client put on the wire (batch sizes,
 * endpoints, User-Agent) without tapping the client. The rate limiter's `stats()` stays the limiter's own view
 * (accepted calls and rejections); this log is the record of every call, whatever its answer.
 */
export interface AmoRequestLogEntry {
  method: string;
  /** Path below the account, e.g. `/api/v4/customers/31000123/notes`. */
  path: string;
  /** `path` with numeric segments folded to `{id}`: `/api/v4/customers/{id}/notes` (the key a test counts by). */
  route: string;
  query: Record<string, unknown>;
  /** Number of items of a JSON array body (every batch write), `null` for other bodies or none. */
  items: number | null;
  userAgent: string | null;
  status: number;
  /** The call came from amoCRM's own web UI (`issueUiToken`), not from the integration. */
  ui: boolean;
  /** Emulator clock, epoch ms, when the answer was sent. */
  at: number;
}

/** The newest entries per account are kept, so a long benchmark does not grow memory without bound. */
const MAX_ENTRIES_PER_ACCOUNT = 20_000;

export function routeTemplate(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/{id}');
}

export class RequestLog {
  private readonly byAccount = new Map<string, AmoRequestLogEntry[]>();

  constructor(private readonly now: () => number) {}

  /** Middleware for the `/api/v4` router: records the call once its answer is sent (any status). */
  middleware(accountKey: (res: Response) => string, isUi: (res: Response) => boolean): RequestHandler {
    return (req: Request, res: Response, next) => {
      const path = `/api/v4${req.path}`;
      res.on('finish', () => {
        const body: unknown = req.body;
        this.push(accountKey(res), {
          method: req.method,
          path,
          route: routeTemplate(path),
          query: { ...(req.query as Record<string, unknown>) },
          items: Array.isArray(body) ? body.length : null,
          userAgent: req.get('user-agent') ?? null,
          status: res.statusCode,
          ui: isUi(res),
          at: this.now(),
        });
      });
      next();
    };
  }

  entries(account: string): AmoRequestLogEntry[] {
    return (this.byAccount.get(account) ?? []).map((entry) => ({ ...entry, query: { ...entry.query } }));
  }

  clear(account: string): void {
    this.byAccount.delete(account);
  }

  private push(account: string, entry: AmoRequestLogEntry): void {
    let list = this.byAccount.get(account);
    if (!list) {
      list = [];
      this.byAccount.set(account, list);
    }
    list.push(entry);
    if (list.length > MAX_ENTRIES_PER_ACCOUNT) list.splice(0, list.length - MAX_ENTRIES_PER_ACCOUNT);
  }
}
