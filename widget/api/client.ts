import type {
  BonusOperationPage,
  BonusRequest,
  BonusResult,
  CardView,
  Conditional,
  ConnectionRequest,
  ConnectionResult,
  PurchasePage,
  Settings,
  SettingsValues,
  SettingsView,
  SyncStatus,
  WidgetStatus,
} from './types.js';
import type { Transport } from './transport.js';

/** One typed method per route of the `/api/widget/*` contract (docs/architecture.md). */
export type WidgetApi = {
  getStatus(): Promise<WidgetStatus>;
  connect(credentials: ConnectionRequest): Promise<ConnectionResult>;
  disconnect(): Promise<void>;
  /** Conditional on `etag` (the card shown now): "not modified" costs no body. */
  getCard(amoCustomerId: number, etag?: string | null): Promise<Conditional<CardView>>;
  getPurchases(amoCustomerId: number, cursor: string, limit?: number): Promise<PurchasePage>;
  getBonusOperations(amoCustomerId: number, cursor: string, limit?: number): Promise<BonusOperationPage>;
  changeBonus(amoCustomerId: number, request: BonusRequest, idempotencyKey: string): Promise<BonusResult>;
  getSettings(): Promise<SettingsView>;
  saveSettings(settings: Settings): Promise<SettingsValues>;
  getSync(): Promise<SyncStatus>;
  retryJob(jobId: string): Promise<void>;
  skipJob(jobId: string): Promise<void>;
};

export function createWidgetApi(request: Transport): WidgetApi {
  const customer = (id: number) => `/api/widget/customers/${encodeURIComponent(String(id))}`;
  const page = (cursor: string, limit: number) => new URLSearchParams({ cursor, limit: String(limit) }).toString();
  const job = (jobId: string, action: string) => `/api/widget/sync/jobs/${encodeURIComponent(jobId)}/${action}`;
  return {
    getStatus: () => request({ method: 'GET', path: '/api/widget/status' }),
    connect: (credentials) => request({ method: 'POST', path: '/api/widget/connection', body: credentials }),
    disconnect: () => request({ method: 'DELETE', path: '/api/widget/connection' }),
    getCard: (id, etag = null) => request.conditional(`${customer(id)}/card`, etag),
    getPurchases: (id, cursor, limit = 10) => request({ method: 'GET', path: `${customer(id)}/purchases?${page(cursor, limit)}` }),
    getBonusOperations: (id, cursor, limit = 10) => request({ method: 'GET', path: `${customer(id)}/bonus-operations?${page(cursor, limit)}` }),
    changeBonus: (id, body, idempotencyKey) =>
      request({ method: 'POST', path: `${customer(id)}/bonus`, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    getSettings: () => request({ method: 'GET', path: '/api/widget/settings' }),
    saveSettings: (settings) => request({ method: 'PUT', path: '/api/widget/settings', body: settings }),
    getSync: () => request({ method: 'GET', path: '/api/widget/sync' }),
    retryJob: (jobId) => request({ method: 'POST', path: job(jobId, 'retry') }),
    skipJob: (jobId) => request({ method: 'POST', path: job(jobId, 'skip') }),
  };
}
