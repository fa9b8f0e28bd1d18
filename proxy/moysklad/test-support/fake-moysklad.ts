import { randomUUID } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';

/**
 * A small stateful stand-in for МойСклад used by the msw tests of this folder (tests only). It answers at the
 * real URL with the real envelope, error bodies and rate headers; only the endpoints the client uses exist.
 */
export const MS_BASE = 'https://api.moysklad.ru/api/remap/1.2';

type Row = Record<string, unknown> & { id: string };

export interface FakeRequestLog {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export const msError = (status: number, code: number, error: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ errors: [{ error, code, moreInfo: `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${code}`, ...extra }] }, { status });

export class FakeMoySklad {
  readonly tables = new Map<string, Row[]>();
  readonly requests: FakeRequestLog[] = [];
  validToken = 'fake-token';
  /** Rate headers sent on every answer. */
  rate = { limit: 1000, intervalMs: 3000, remaining: 1000 };

  meta(type: string, id: string) {
    return { href: `${MS_BASE}/entity/${type}/${id}`, type, mediaType: 'application/json' };
  }

  table(type: string): Row[] {
    let rows = this.tables.get(type);
    if (!rows) this.tables.set(type, (rows = []));
    return rows;
  }

  insert(type: string, fields: Record<string, unknown>): Row {
    const id = (fields.id as string | undefined) ?? randomUUID();
    const row: Row = { meta: this.meta(type, id), id, updated: '2026-11-28 12:00:00.000', ...fields };
    this.table(type).push(row);
    return row;
  }

  /** One item of a POST: a webhook triple is unique (30003), a syncId returns the earlier object, `meta` updates. */
  upsert(type: string, body: Record<string, unknown>): Row | { errors: Array<{ error: string; code: number }> } {
    const meta = body.meta as { href?: string } | undefined;
    if (meta?.href) {
      const row = this.table(type).find((candidate) => candidate.id === meta.href!.split('/').pop());
      if (!row) return { errors: [{ error: 'not found', code: 1021 }] };
      const { meta: _meta, ...changes } = body;
      return Object.assign(row, changes);
    }
    if (type === 'webhook' && this.table('webhook').some((hook) => hook.url === body.url && hook.action === body.action && hook.entityType === body.entityType)) {
      return { errors: [{ error: 'Вебхук уже существует', code: 30003 }] };
    }
    const existing = body.syncId ? this.table(type).find((row) => row.syncId === body.syncId) : undefined;
    return existing ?? this.insert(type, { ...body, ...(type === 'webhook' ? { enabled: true, method: 'POST' } : {}), ...(type === 'bonustransaction' ? { transactionStatus: 'COMPLETED' } : {}) });
  }

  rateHeaders(): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.rate.limit),
      'X-RateLimit-Remaining': String(this.rate.remaining),
      'X-Lognex-Retry-TimeInterval': String(this.rate.intervalMs),
    };
  }

  /** Very small filter support: `a=b;c=d` exact matches (what the tests need), `updated>=` ignored. */
  private matches(row: Row, filter: string | null): boolean {
    if (!filter) return true;
    return filter.split(/(?<!\\);/).every((condition) => {
      const match = /^([A-Za-z.]+)(=)(.*)$/.exec(condition);
      if (!match) return true;
      const [, field, , value] = match;
      const actual = row[field!];
      if (actual && typeof actual === 'object' && 'meta' in actual) return (actual as { meta: { href: string } }).meta.href === value;
      return String(actual ?? '') === value!.replace(/\\;/g, ';');
    });
  }

  list(type: string, url: URL, path = `/entity/${type}`, rows = this.table(type)) {
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const filtered = rows.filter((row) => this.matches(row, url.searchParams.get('filter')));
    const effectiveLimit = Math.min(limit, 1000);
    const meta: Record<string, unknown> = { href: `${MS_BASE}${path}`, type, mediaType: 'application/json', size: filtered.length, limit: effectiveLimit, offset };
    if (offset + effectiveLimit < filtered.length) {
      const next = new URL(url);
      next.searchParams.set('offset', String(offset + effectiveLimit));
      meta.nextHref = next.toString();
    }
    const page = filtered.slice(offset, offset + effectiveLimit);
    return HttpResponse.json({ context: { employee: { meta: this.meta('employee', 'e1') } }, meta, rows: page }, { headers: this.rateHeaders() });
  }

  /** Handlers for the endpoints the client uses. Put per-test overrides in front with `server.use(...)`. */
  handlers(): HttpHandler[] {
    const guard = async (request: Request): Promise<Response | undefined> => {
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.clone().text();
      this.requests.push({ method: request.method, url, headers: request.headers, body: text ? JSON.parse(text) : undefined });
      if (request.headers.get('accept-encoding') !== 'gzip') return new HttpResponse(null, { status: 415 });
      if (url.pathname.endsWith('/security/token')) return undefined;
      if (request.headers.get('authorization') !== `Bearer ${this.validToken}`) return msError(401, 1056, 'Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации');
      return undefined;
    };
    const handle = (method: 'get' | 'post' | 'put' | 'delete', path: string, fn: (request: Request, params: Record<string, string>) => Response | Promise<Response>) =>
      http[method](`${MS_BASE}${path}`, async ({ request, params }) => (await guard(request)) ?? fn(request, params as Record<string, string>));

    return [
      handle('post', '/security/token', (request) => {
        const expected = `Basic ${Buffer.from('admin@demo:secret').toString('base64')}`;
        if (request.headers.get('authorization') !== expected) return msError(401, 1056, 'Ошибка аутентификации');
        this.validToken = randomUUID().replace(/-/g, '');
        return HttpResponse.json({ access_token: this.validToken });
      }),
      handle('get', '/context/employee', () => HttpResponse.json({ meta: this.meta('employee', 'e1'), id: 'e1', accountId: 'acc-1', name: 'Админ', uid: 'admin@demo' }, { headers: this.rateHeaders() })),
      handle('get', '/context/companysettings/pricetype', () =>
        HttpResponse.json(this.table('pricetype'), { headers: this.rateHeaders() }),
      ),
      handle('get', '/entity/:type/:id/positions', (request, params) => {
        const doc = this.table(params.type!).find((row) => row.id === params.id);
        const all = (doc?.allPositions as Row[] | undefined) ?? [];
        return this.list('demandposition', new URL(request.url), `/entity/${params.type}/${params.id}/positions`, all);
      }),
      handle('get', '/entity/:type', (request, params) => this.list(params.type!, new URL(request.url))),
      handle('get', '/entity/:type/:id', (_request, params) => {
        const row = this.table(params.type!).find((candidate) => candidate.id === params.id);
        return row ? HttpResponse.json(row, { headers: this.rateHeaders() }) : msError(404, 1021, `Объект с UUID ${params.id} не найден`);
      }),
      handle('post', '/entity/:type/delete', async (request, params) => {
        const body = (await request.json()) as Array<{ meta: { href: string } }>;
        const rows = this.table(params.type!);
        return HttpResponse.json(
          body.map((item) => {
            const id = item.meta.href.split('/').pop();
            const index = rows.findIndex((row) => row.id === id);
            if (index < 0) return { errors: [{ error: 'not found', code: 1021 }] };
            rows.splice(index, 1);
            return { info: `Сущность '${params.type}' с UUID: ${id} успешно удалена` };
          }),
          { headers: this.rateHeaders() },
        );
      }),
      handle('post', '/entity/:type', async (request, params) => {
        const body = (await request.json()) as Record<string, unknown> | Record<string, unknown>[];
        // The documented bulk form: an array in, an array out, a failed item as `{ errors }` in its place.
        if (Array.isArray(body)) return HttpResponse.json(body.map((item) => this.upsert(params.type!, item)), { headers: this.rateHeaders() });
        const result = this.upsert(params.type!, body);
        return 'errors' in result ? msError(412, (result.errors as Array<{ code: number }>)[0]!.code, 'Вебхук уже существует') : HttpResponse.json(result, { headers: this.rateHeaders() });
      }),
      handle('put', '/entity/:type/:id', async (request, params) => {
        const row = this.table(params.type!).find((candidate) => candidate.id === params.id);
        if (!row) return msError(404, 1021, 'not found');
        Object.assign(row, (await request.json()) as object);
        return HttpResponse.json(row, { headers: this.rateHeaders() });
      }),
      handle('delete', '/entity/:type/:id', (_request, params) => {
        const rows = this.table(params.type!);
        const index = rows.findIndex((row) => row.id === params.id);
        if (index < 0) return msError(404, 1021, 'not found');
        if (rows[index]!.usedIn) {
          return msError(409, 1028, 'Объект уже используется и не может быть удален', { dependencies: rows[index]!.usedIn });
        }
        rows.splice(index, 1);
        return new HttpResponse(null, { status: 200, headers: this.rateHeaders() });
      }),
      handle('get', '/audit', (request) => this.list('audit', new URL(request.url), '/audit')),
      handle('get', '/audit/:id/events', (request, params) => {
        const context = this.table('audit').find((row) => row.id === params.id);
        return this.list('auditevent', new URL(request.url), `/audit/${params.id}/events`, (context?.allEvents as Row[] | undefined) ?? []);
      }),
    ];
  }
}
