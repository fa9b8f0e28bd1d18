import type { BonusRequest, BonusResult, CardView, Purchase, Settings, SettingsView, SyncStatus, WidgetStatus } from '../api/types.js';
import { CUSTOMER_ID, cardView, connectedStatus, purchase, settingsView, syncStatus } from './fixtures.js';

export type FakeRequest = { method: string; path: string; search: URLSearchParams; headers: Headers; body: unknown };
export type FakeResponse = { status: number; body?: unknown };

const DETAILS: Record<string, { ru: string; en: string; status: number }> = {
  moysklad_auth_failed: { ru: 'МойСклад: неверный логин или пароль', en: 'MoySklad: wrong login or password', status: 422 },
  customer_not_linked: { ru: 'Покупатель не из МойСклад', en: 'The customer is not from MoySklad', status: 404 },
  bonus_insufficient_points: { ru: 'Недостаточно баллов на счёте', en: 'Not enough points', status: 422 },
  not_found: { ru: 'Не найдено', en: 'Not found', status: 404 },
};

/**
 * One small stateful fake of the proxy's `/api/widget/*` contract. Tests change its fields to set
 * the scene and read `bonusCalls` etc. to check what the widget sent.
 */
export class FakeProxy {
  status: WidgetStatus = connectedStatus();
  cards = new Map<number, CardView>([[CUSTOMER_ID, cardView()]]);
  /** Later purchase pages by cursor. */
  pages = new Map<string, { items: Purchase[]; nextCursor: string | null }>([
    ['cursor-2', { items: [purchase(3, { returned: true, pointsSpent: 5 })], nextCursor: null }],
  ]);
  credentials = { login: 'admin@shop', password: 'right-password' };
  settings: SettingsView = settingsView();
  sync: SyncStatus = syncStatus();
  bonusCalls: { key: string | null; body: BonusRequest }[] = [];
  connectCalls: { login: string; password: string }[] = [];
  retriedJobs: string[] = [];
  private readonly operations = new Map<string, BonusResult>();

  handle(request: FakeRequest): FakeResponse {
    const language = request.headers.get('accept-language')?.startsWith('en') ? 'en' : 'ru';
    const problem = (code: string): FakeResponse => {
      const known = DETAILS[code] ?? { ru: code, en: code, status: 400 };
      return { status: known.status, body: { type: 'about:blank', title: code, status: known.status, code, detail: known[language] } };
    };
    const route = `${request.method} ${request.path}`;
    const customer = /^\/api\/widget\/customers\/(\d+)\/(card|purchases|bonus)$/.exec(request.path);

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
    if (customer) {
      const card = this.cards.get(Number(customer[1]));
      if (!card) return problem('customer_not_linked');
      if (customer[2] === 'card' && request.method === 'GET') return { status: 200, body: card };
      if (customer[2] === 'purchases' && request.method === 'GET') {
        const page = this.pages.get(request.search.get('cursor') ?? '');
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
    const retry = /^\/api\/widget\/sync\/jobs\/([^/]+)\/retry$/.exec(request.path);
    if (retry && request.method === 'POST') {
      this.retriedJobs.push(decodeURIComponent(retry[1] ?? ''));
      this.sync = { ...this.sync, failedJobs: this.sync.failedJobs.filter((job) => job.id !== retry[1]) };
      return { status: 202 };
    }
    return problem('not_found');
  }

  private bonus(card: CardView, request: FakeRequest, problem: (code: string) => FakeResponse): FakeResponse {
    const key = request.headers.get('idempotency-key');
    const body = request.body as BonusRequest;
    this.bonusCalls.push({ key, body });
    const earlier = key ? this.operations.get(key) : undefined;
    if (earlier) return { status: 200, body: earlier };
    if (body.operation === 'redeem' && body.amount > card.points) return problem('bonus_insufficient_points');
    const points = card.points + (body.operation === 'accrue' ? body.amount : -body.amount);
    this.cards.set(card.customer.amoCustomerId, { ...card, points });
    const result: BonusResult = { operationId: `op-${this.operations.size + 1}`, points, status: 'completed' };
    if (key) this.operations.set(key, result);
    return { status: 200, body: result };
  }
}
