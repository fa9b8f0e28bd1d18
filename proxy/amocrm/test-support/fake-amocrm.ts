import { http, HttpResponse, type HttpHandler } from 'msw';

/**
 * A small stateful stand-in for one amoCRM account, for this folder's msw tests only. Real URLs, HAL pages,
 * 204 on empty results, problem+json errors, single-use refresh tokens.
 */
export const AMO_BASE = 'https://demo.amocrm.ru';

type Row = Record<string, unknown> & { id: number };

export const problem = (status: number, title: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ title, type: `https://httpstatus.es/${status}`, status, detail: title, ...extra }, { status, headers: { 'Content-Type': 'application/problem+json' } });

export class FakeAmoCrm {
  accessTokens = new Set(['access-1']);
  refreshTokens = new Set(['refresh-1']);
  tokenCalls = 0;
  private seq = 1000;
  readonly tables = new Map<string, Row[]>();
  readonly requests: Array<{ method: string; url: URL; body: unknown; auth: string | null; userAgent: string | null; contentType: string | null }> = [];
  readonly webhooks = new Map<string, string[]>();
  customFieldTrees = new Map<number, Row>();

  table(name: string): Row[] {
    let rows = this.tables.get(name);
    if (!rows) this.tables.set(name, (rows = []));
    return rows;
  }

  nextId(): number {
    return (this.seq += 1);
  }

  insert(name: string, fields: Record<string, unknown>): Row {
    const row = { id: this.nextId(), ...fields } as Row;
    this.table(name).push(row);
    return row;
  }

  page(name: string, url: URL, rows: Row[], path: string) {
    const limit = Math.min(250, Number(url.searchParams.get('limit') ?? 50));
    const pageNo = Number(url.searchParams.get('page') ?? 1);
    const slice = rows.slice((pageNo - 1) * limit, pageNo * limit);
    if (slice.length === 0) return new HttpResponse(null, { status: 204 });
    const links: Record<string, { href: string }> = { self: { href: url.toString() } };
    if (pageNo * limit < rows.length) {
      const next = new URL(`${AMO_BASE}${path}`);
      url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
      next.searchParams.set('page', String(pageNo + 1));
      links.next = { href: next.toString() };
    }
    return HttpResponse.json({ _page: pageNo, _links: links, _embedded: { [name]: slice } }, { headers: { 'Content-Type': 'application/hal+json' } });
  }

  batchWrite(name: string, items: Array<Record<string, unknown>>, update: boolean) {
    const written = items.map((item) => {
      if (update) {
        const row = this.table(name).find((candidate) => candidate.id === item.id);
        if (row) Object.assign(row, item);
        return { id: item.id as number, request_id: item.request_id, updated_at: 1 };
      }
      const row = this.insert(name, item);
      return { id: row.id, request_id: item.request_id };
    });
    return HttpResponse.json({ _embedded: { [name]: written } });
  }

  handlers(): HttpHandler[] {
    const authed = (fn: (request: Request, params: Record<string, string>) => Response | Promise<Response>) =>
      async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
        const text = request.method === 'GET' ? '' : await request.clone().text();
        this.requests.push({
          method: request.method,
          url: new URL(request.url),
          body: text ? JSON.parse(text) : undefined,
          auth: request.headers.get('authorization'),
          userAgent: request.headers.get('user-agent'),
          contentType: request.headers.get('content-type'),
        });
        const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
        if (!this.accessTokens.has(token)) return problem(401, 'Unauthorized');
        return fn(request, params as Record<string, string>);
      };
    const u = (path: string) => `${AMO_BASE}${path}`;
    return [
      http.post(u('/oauth2/access_token'), async ({ request }) => {
        this.tokenCalls += 1;
        const body = (await request.json()) as Record<string, string>;
        if (body.client_secret !== 'secret') return problem(400, 'Bad client');
        if (body.grant_type === 'authorization_code' && body.code !== 'good-code') return problem(400, 'Bad code');
        if (body.grant_type === 'refresh_token') {
          if (!this.refreshTokens.delete(body.refresh_token!)) return HttpResponse.json({ hint: 'Token has been revoked', title: 'Некорректный запрос', type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson', status: 401 }, { status: 401 });
          this.accessTokens.clear();
        }
        await new Promise((resolve) => setTimeout(resolve, 10)); // widen the race window
        const n = this.tokenCalls;
        this.accessTokens.add(`access-r${n}`);
        this.refreshTokens.add(`refresh-r${n}`);
        return HttpResponse.json({ token_type: 'Bearer', expires_in: 86400, server_time: 1751621727, access_token: `access-r${n}`, refresh_token: `refresh-r${n}` });
      }),
      http.get(u('/api/v4/account'), authed(() => HttpResponse.json({ id: 31000001, name: 'Demo', subdomain: 'demo', customers_mode: 'disabled' }))),
      http.patch(u('/api/v4/customers/mode'), authed(async (request) => HttpResponse.json(await request.json()))),
      http.get(u('/api/v4/customers/custom_fields'), authed((request) => this.page('custom_fields', new URL(request.url), this.table('custom_fields'), '/api/v4/customers/custom_fields'))),
      http.post(u('/api/v4/customers/custom_fields'), authed(async (request) => this.batchWrite('custom_fields', (await request.json()) as Array<Record<string, unknown>>, false))),
      http.get(u('/api/v4/customers'), authed((request) => this.page('customers', new URL(request.url), this.table('customers'), '/api/v4/customers'))),
      http.post(u('/api/v4/customers'), authed(async (request) => this.batchWrite('customers', (await request.json()) as Array<Record<string, unknown>>, false))),
      http.patch(u('/api/v4/customers'), authed(async (request) => this.batchWrite('customers', (await request.json()) as Array<Record<string, unknown>>, true))),
      http.get(u('/api/v4/customers/:id'), authed((_request, params) => {
        const row = this.table('customers').find((c) => c.id === Number(params.id));
        return row ? HttpResponse.json(row) : new HttpResponse(null, { status: 204 });
      })),
      http.post(u('/api/v4/customers/:id/link'), authed(async (request) => HttpResponse.json({ _embedded: { links: (await request.json()) as unknown[] } }))),
      http.post(u('/api/v4/customers/:id/transactions'), authed(async (request, params) => this.batchWrite('transactions', ((await request.json()) as Array<Record<string, unknown>>).map((t) => ({ ...t, customer_id: Number(params.id) })), false))),
      http.delete(u('/api/v4/customers/transactions/:id'), authed((_request, params) => {
        const rows = this.table('transactions');
        const at = rows.findIndex((t) => t.id === Number(params.id));
        if (at < 0) return problem(404, 'Not Found');
        rows.splice(at, 1);
        return new HttpResponse(null, { status: 204 });
      })),
      http.post(u('/api/v4/customers/:id/notes'), authed(async (request) => this.batchWrite('notes', (await request.json()) as Array<Record<string, unknown>>, false))),
      http.get(u('/api/v4/contacts'), authed((request) => {
        const url = new URL(request.url);
        const query = url.searchParams.get('query') ?? '';
        const hits = this.table('contacts').filter((c) => JSON.stringify(c).replace(/\D/g, '').includes(query) || JSON.stringify(c).includes(query));
        return this.page('contacts', url, hits, '/api/v4/contacts');
      })),
      http.post(u('/api/v4/contacts'), authed(async (request) => this.batchWrite('contacts', (await request.json()) as Array<Record<string, unknown>>, false))),
      http.get(u('/api/v4/catalogs'), authed((request) => this.page('catalogs', new URL(request.url), this.table('catalogs'), '/api/v4/catalogs'))),
      http.get(u('/api/v4/catalogs/:cid/custom_fields'), authed((request) => this.page('custom_fields', new URL(request.url), [...this.customFieldTrees.values()], '/api/v4/catalogs/x/custom_fields'))),
      http.get(u('/api/v4/catalogs/:cid/custom_fields/:fid'), authed((_request, params) => {
        const field = this.customFieldTrees.get(Number(params.fid));
        return field ? HttpResponse.json(field) : new HttpResponse(null, { status: 204 });
      })),
      http.patch(u('/api/v4/catalogs/:cid/custom_fields'), authed(async (request) => {
        const [patch] = (await request.json()) as Array<{ id: number; nested: Array<Record<string, unknown>> }>;
        const field = this.customFieldTrees.get(patch!.id)!;
        const idByRequest = new Map<string, number>();
        field.nested = patch!.nested.map((node) => {
          const id = (node.id as number | undefined) ?? this.nextId();
          if (node.request_id) idByRequest.set(node.request_id as string, id);
          const parent = node.parent_request_id !== undefined ? idByRequest.get(node.parent_request_id as string) : node.parent_id;
          return { id, parent_id: parent ?? null, value: node.value };
        });
        return HttpResponse.json({ _embedded: { custom_fields: [field] } });
      })),
      http.get(u('/api/v4/catalogs/:cid/elements'), authed((request, params) => this.page('elements', new URL(request.url), this.table(`elements-${params.cid}`), `/api/v4/catalogs/${params.cid}/elements`))),
      http.post(u('/api/v4/catalogs/:cid/elements'), authed(async (request, params) => {
        const items = (await request.json()) as Array<Record<string, unknown>>;
        const written = items.map((item) => ({ id: this.insert(`elements-${params.cid}`, item).id, request_id: item.request_id }));
        return HttpResponse.json({ _embedded: { elements: written } });
      })),
      http.delete(u('/api/v4/catalogs/:cid/elements'), authed(async (request, params) => {
        const ids = new Set(((await request.json()) as Array<{ id: number }>).map((e) => e.id));
        this.tables.set(`elements-${params.cid}`, this.table(`elements-${params.cid}`).filter((e) => !ids.has(e.id)));
        return new HttpResponse(null, { status: 204 });
      })),
      http.post(u('/api/v4/webhooks'), authed(async (request) => {
        const body = (await request.json()) as { destination: string; settings: string[] };
        this.webhooks.set(body.destination, body.settings);
        return HttpResponse.json({ id: 1, destination: body.destination, settings: body.settings, sort: 10 }, { status: 201 });
      })),
      http.delete(u('/api/v4/webhooks'), authed(async (request) => {
        this.webhooks.delete(((await request.json()) as { destination: string }).destination);
        return new HttpResponse(null, { status: 204 });
      })),
      http.get(u('/api/v4/widgets/:code'), authed((_request, params) => HttpResponse.json({ code: params.code, settings: { referral: '1' } }))),
    ];
  }
}
