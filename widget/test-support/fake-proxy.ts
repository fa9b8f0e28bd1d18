import type { BonusOperationPage, BonusRequest, BonusResult, CardView, Purchase, Settings, SettingsView, SyncStatus, WidgetStatus } from '../api/types.js';
import { CUSTOMER_ID, cardView, connectedStatus, operation, purchase, settingsView, syncStatus } from './fixtures.js';

export type FakeRequest = { method: string; path: string; search: URLSearchParams; headers: Headers; body: unknown };
export type FakeResponse = { status: number; body?: unknown; headers?: Record<string, string> };

const DETAILS: Record<string, { ru: string; en: string; status: number }> = {
  moysklad_auth_failed: { ru: 'МойСклад: неверный логин или пароль', en: 'MoySklad: wrong login or password', status: 422 },
  customer_not_linked: { ru: 'Покупатель не из МойСклад', en: 'The customer is not from MoySklad', status: 404 },
  not_connected: { ru: 'МойСклад не подключён', en: 'MoySklad is not connected', status: 409 },
  moysklad_needs_reauth: { ru: 'Доступ к МойСклад отозван', en: 'MoySklad access was revoked', status: 409 },
  bonus_insufficient_points: { ru: 'Недостаточно баллов для списания.', en: 'Not enough points to redeem.', status: 422 },
  not_found: { ru: 'Не найдено', en: 'Not found', status: 404 },
};

/** The card's ETag as the proxy makes it: any text that changes with the body (here the JSON itself, hashed). */
function etagOf(body: unknown): string {
  let hash = 0;
  for (const char of JSON.stringify(body)) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return `"${(hash >>> 0).toString(36)}"`;
}

/**
 * One small stateful fake of the proxy's `/api/widget/*` contract. Tests change its fields to set
 * the scene and read `bonusCalls` etc. to check what the widget sent.
 */
export class FakeProxy {
  status: WidgetStatus = connectedStatus();
  cards = new Map<number, CardView>([[CUSTOMER_ID, cardView()]]);
  /** МойСклад's live balance when it differs from the card (a till sale the card has not seen yet). */
  liveBalance = new Map<number, number>();
  /** Later purchase pages by cursor. */
  pages = new Map<string, { items: Purchase[]; nextCursor: string | null }>([
    ['cursor-2', { items: [purchase(3, { returned: true, pointsSpent: 5 })], nextCursor: null }],
  ]);
  /** Later bonus operation pages by cursor. */
  operationPages = new Map<string, BonusOperationPage>([['ops-2', { items: [operation(1)], nextCursor: null }]]);
  credentials = { login: 'admin@shop', password: 'right-password' };
  settings: SettingsView = settingsView();
  sync: SyncStatus = syncStatus();
  bonusCalls: { key: string | null; body: BonusRequest }[] = [];
  connectCalls: { login: string; password: string }[] = [];
  /** Every card request: whether it was conditional, and how it was answered. */
  cardCalls: { ifNoneMatch: string | null; status: number }[] = [];
  retriedJobs: string[] = [];
  skippedJobs: string[] = [];
  private readonly operations = new Map<string, BonusResult>();

  handle(request: FakeRequest): FakeResponse {
    const language = request.headers.get('accept-language')?.startsWith('en') ? 'en' : 'ru';
    const problem = (code: string, extra: Record<string, unknown> = {}): FakeResponse => {
      const known = DETAILS[code] ?? { ru: code, en: code, status: 400 };
      return { status: known.status, body: { type: 'about:blank', title: code, status: known.status, code, detail: known[language], ...extra } };
    };
    const route = `${request.method} ${request.path}`;
    const customer = /^\/api\/widget\/customers\/(\d+)\/(card|purchases|bonus-operations|bonus)$/.exec(request.path);

    if (route === 'GET /api/widget/status') return { status: 200, body: this.status };
    if (route === 'POST /api/widget/connection') {
      const body = request.body as { login: string; password: string };
      this.connectCalls.push(body);
      if (body.login !== this.credentials.login || body.password !== this.credentials.password) {
        return problem('moysklad_auth_failed');
      }
      this.status = connectedStatus({ moysklad: { state: 'connected', login: body.login } });
      return { status: 200, body: { connected: true, login: body.login } };
    }
    if (route === 'DELETE /api/widget/connection') {
      this.status = { ...this.status, connected: false, moysklad: { state: 'not_connected' } };
      return { status: 204 };
    }
    if (customer?.[2] === 'card' && request.method === 'GET') return this.card(Number(customer[1]), request, problem);
    if (customer) {
      const card = this.cards.get(Number(customer[1]));
      if (!card) return problem('customer_not_linked');
      const cursor = request.search.get('cursor') ?? '';
      if (customer[2] === 'purchases' && request.method === 'GET') {
        const page = this.pages.get(cursor);
        return page ? { status: 200, body: page } : problem('not_found');
      }
      if (customer[2] === 'bonus-operations' && request.method === 'GET') {
        const page = this.operationPages.get(cursor);
        return page ? { status: 200, body: page } : problem('not_found');
      }
      if (customer[2] === 'bonus' && request.method === 'POST') return this.bonus(card, request, problem);
    }
    if (route === 'GET /api/widget/settings') return { status: 200, body: this.settings };
    if (route === 'PUT /api/widget/settings') {
      this.settings = { ...this.settings, ...(request.body as Settings) };
      const { priceTypes: _priceTypes, ...saved } = this.settings;
      return { status: 200, body: saved };
    }
    if (route === 'GET /api/widget/sync') return { status: 200, body: this.sync };
    const job = /^\/api\/widget\/sync\/jobs\/([^/]+)\/(retry|skip)$/.exec(request.path);
    if (job && request.method === 'POST') {
      const id = decodeURIComponent(job[1] ?? '');
      (job[2] === 'retry' ? this.retriedJobs : this.skippedJobs).push(id);
      this.sync = { ...this.sync, failedJobs: this.sync.failedJobs.filter((failed) => failed.id !== id) };
      return { status: job[2] === 'retry' ? 202 : 204 };
    }
    return problem('not_found');
  }

  /** Like the proxy: the connection state first (409), then the buyer (404), then the card, conditional on its ETag. */
  private card(id: number, request: FakeRequest, problem: (code: string) => FakeResponse): FakeResponse {
    const ifNoneMatch = request.headers.get('if-none-match');
    const answer = (response: FakeResponse) => {
      this.cardCalls.push({ ifNoneMatch, status: response.status });
      return response;
    };
    if (this.status.moysklad.state !== 'connected') return answer(problem(this.status.moysklad.state === 'needs_reauth' ? 'moysklad_needs_reauth' : 'not_connected'));
    const card = this.cards.get(id);
    if (!card) return answer(problem('customer_not_linked'));
    const etag = etagOf(card);
    if (ifNoneMatch === etag) return answer({ status: 304, headers: { ETag: etag } });
    return answer({ status: 200, body: card, headers: { ETag: etag } });
  }

  private bonus(card: CardView, request: FakeRequest, problem: (code: string, extra?: Record<string, unknown>) => FakeResponse): FakeResponse {
    const key = request.headers.get('idempotency-key');
    const body = request.body as BonusRequest;
    this.bonusCalls.push({ key, body });
    const earlier = key ? this.operations.get(key) : undefined;
    if (earlier) return { status: 200, body: earlier };
    const id = card.customer.amoCustomerId;
    const balance = this.liveBalance.get(id) ?? card.points;
    if (body.operation === 'redeem' && body.amount > balance) {
      // The proxy writes the live balance into the read model with the refusal.
      this.cards.set(id, { ...card, points: balance });
      return problem('bonus_insufficient_points', { balance });
    }
    const points = balance + (body.operation === 'accrue' ? body.amount : -body.amount);
    const result: BonusResult = { operationId: `op-new-${this.operations.size + 1}`, points, status: 'completed' };
    const made = operation(9, {
      id: result.operationId,
      kind: body.operation === 'accrue' ? 'earned' : 'spent',
      points: body.amount,
      author: { amoUserId: 5000001, name: 'Анна Админова' },
      comment: body.comment ?? null,
    });
    this.cards.set(id, { ...card, points, operations: [made, ...card.operations] });
    this.liveBalance.delete(id);
    if (key) this.operations.set(key, result);
    return { status: 200, body: result };
  }
}
