import type { CardView, Purchase, SettingsView, SyncStatus, WidgetStatus } from '../api/types.js';

export const PROXY_URL = 'https://proxy.test';
export const CUSTOMER_ID = 42;

export function purchase(n: number, overrides: Partial<Purchase> = {}): Purchase {
  return {
    id: `p-${n}`,
    number: `000${n}`,
    moment: `2026-03-0${(n % 9) + 1}T12:30:00+03:00`,
    sumKopecks: 150_050 * n,
    items: [{ name: `Камера ${n}`, quantity: 1, priceKopecks: 150_050 * n }],
    pointsEarned: 15 * n,
    pointsSpent: 0,
    returned: false,
    ...overrides,
  };
}

export function connectedStatus(overrides: Partial<WidgetStatus> = {}): WidgetStatus {
  return {
    connected: true,
    moysklad: { state: 'connected', login: 'admin@shop' },
    amocrm: { state: 'installed' },
    isAdmin: true,
    ...overrides,
  };
}

export function cardView(overrides: Partial<CardView> = {}): CardView {
  return {
    customer: { amoCustomerId: CUSTOMER_ID, moyskladId: 'ms-1', name: 'Анна Петрова' },
    bonusCard: '2000001',
    points: 1250,
    purchaseTotalKopecks: 1_234_567,
    purchaseCount: 7,
    referralLink: 'https://proxy.test/r/abc123',
    program: { active: true, name: 'Клубная', earnRateRoublesToPoint: 10, spendRatePointsToRouble: 1, maxPaidRatePercents: 50 },
    purchases: [purchase(1), purchase(2)],
    nextCursor: 'cursor-2',
    bounds: { minAmount: 1, maxAmount: 10_000 },
    ...overrides,
  };
}

export function settingsView(): SettingsView {
  return {
    referralBonusNew: 100,
    referralBonusReferrer: 200,
    referrerRewardAt: 'first_purchase',
    priceTypeId: null,
    bonusMaxPerOperation: 10_000,
    bonusMaxPerUserPerDay: 30_000,
    referralMaxPerReferrerPerDay: 5,
    referralPhoneConfirmation: false,
    shopName: 'Чайная лавка',
    privacyPolicyUrl: 'https://shop.example/privacy',
    priceTypes: [
      { id: 'pt-retail', name: 'Цена продажи' },
      { id: 'pt-wholesale', name: 'Оптовая' },
    ],
  };
}

export function syncStatus(): SyncStatus {
  return {
    lastSyncAt: '2026-03-01T10:00:00+03:00',
    mode: 'webhooks',
    queue: { pending: 3, running: 1, failed: 1 },
    import: { state: 'running', done: 40, total: 100 },
    failedJobs: [{ id: 'job-1', kind: 'push_purchase', error: 'amoCRM answered 502', failedAt: '2026-03-01T09:00:00+03:00' }],
  };
}
