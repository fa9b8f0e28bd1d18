import type { BonusOperationView, CardView, Purchase, SettingsView, SyncStatus, WidgetStatus } from '../api/types.js';

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

export function operation(n: number, overrides: Partial<BonusOperationView> = {}): BonusOperationView {
  return {
    id: `op-${n}`,
    moment: `2026-03-0${(n % 9) + 1}T10:15:00+03:00`,
    kind: 'earned',
    points: 10 * n,
    status: 'completed',
    author: null,
    comment: null,
    purchaseNumber: null,
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
    operations: [
      operation(3, { points: 25, author: { amoUserId: 5000002, name: 'Борис Менеджеров' }, comment: 'за отзыв' }),
      operation(2, { kind: 'spent', points: 40, purchaseNumber: '0002' }),
    ],
    operationsCursor: 'ops-2',
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
    queue: { pending: 3, running: 1, failed: 2 },
    import: { state: 'running', done: 40, total: 100 },
    reprice: { state: 'done', priceTypeId: 'pt-wholesale', done: 120, total: 120, unpricedCount: 2, unpriced: [{ moyskladId: 'p-1', name: 'Штатив' }, { moyskladId: 'p-2', name: 'Бленда' }], finishedAt: '2026-03-01T09:30:00+03:00' },
    failedJobs: [
      { id: 'job-1', kind: 'sync.reconcile', error: 'amoCRM answered 502', problem: null, failedAt: '2026-03-01T09:00:00+03:00' },
      {
        id: 'job-2',
        kind: 'sync.entity',
        error: 'amoCRM refused the request (HTTP 400): Request validation failed',
        problem: {
          entity: { type: 'counterparty', moyskladId: 'ms-7', name: 'Пётр Сидоров' },
          field: 'custom_fields_values.0.values.0.value',
          message: 'This value is not a valid email address.',
          hint: 'fix_in_moysklad',
        },
        failedAt: '2026-03-01T09:30:00+03:00',
      },
    ],
  };
}
