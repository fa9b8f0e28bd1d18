import type {
  BonusRequest,
  BonusResult,
  CardView,
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
  getCard(amoCustomerId: number): Promise<CardView>;
  getPurchases(amoCustomerId: number, cursor: string, limit?: number): Promise<PurchasePage>;
  changeBonus(amoCustomerId: number, request: BonusRequest, idempotencyKey: string): Promise<BonusResult>;
  getSettings(): Promise<SettingsView>;
  saveSettings(settings: Settings): Promise<SettingsValues>;
  getSync(): Promise<SyncStatus>;
  retryJob(jobId: string): Promise<void>;
};

export function createWidgetApi(request: Transport): WidgetApi {
  const customer = (id: number) => `/api/widget/customers/${encodeURIComponent(String(id))}`;
  return {
    getStatus: () => request({ method: 'GET', path: '/api/widget/status' }),
    connect: (credentials) => request({ method: 'POST', path: '/api/widget/connection', body: credentials }),
    disconnect: () => request({ method: 'DELETE', path: '/api/widget/connection' }),
    getCard: (id) => request({ method: 'GET', path: `${customer(id)}/card` }),
    getPurchases: (id, cursor, limit = 10) =>
      request({
        method: 'GET',
        path: `${customer(id)}/purchases?${new URLSearchParams({ cursor, limit: String(limit) }).toString()}`,
      }),
    changeBonus: (id, body, idempotencyKey) =>
      request({ method: 'POST', path: `${customer(id)}/bonus`, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    getSettings: () => request({ method: 'GET', path: '/api/widget/settings' }),
    saveSettings: (settings) => request({ method: 'PUT', path: '/api/widget/settings', body: settings }),
    getSync: () => request({ method: 'GET', path: '/api/widget/sync' }),
    retryJob: (jobId) =>
      request({ method: 'POST', path: `/api/widget/sync/jobs/${encodeURIComponent(jobId)}/retry` }),
  };
}
