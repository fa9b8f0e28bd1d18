import type { HostCustomerDetail, HostDataSource } from '../types.js';

// An in-memory HostDataSource for host tests that do not need the amoCRM emulator.

function sampleCustomers(): HostCustomerDetail[] {
  const fields = (card: string, points: string) => [
    { fieldId: 101, name: 'Бонусная карта', code: 'BONUS_CARD', displayValue: card },
    { fieldId: 102, name: 'Бонусные баллы', code: 'BONUS_POINTS', displayValue: points },
  ];
  return [
    {
      id: 1001, name: 'Ирина Покупателева', bonusPoints: '534', purchasesCount: 2, ltv: 7990,
      fields: fields('2000000123456', '534'),
      contacts: [{ id: 501, name: 'Ирина Покупателева', phones: ['+79121234567'], emails: ['irina@example.com'] }],
      transactions: [{ id: 9001, price: 4990, completedAt: 1_773_300_000, comment: 'Розничная продажа №00123' }],
      notes: [{ id: 7001, type: 'extended_service_message', text: 'Начислено 80 баллов', service: 'МойСклад', createdAt: 1_773_300_100 }],
    },
    {
      id: 1002, name: 'Олег <script>alert(1)</script>', bonusPoints: null, purchasesCount: 0, ltv: 0,
      fields: fields('', ''), contacts: [], transactions: [], notes: [],
    },
  ];
}

export function createMemoryDataSource(customers: HostCustomerDetail[] = sampleCustomers()): HostDataSource {
  return {
    async listCustomers() {
      return customers.map(({ id, name, bonusPoints, purchasesCount, ltv }) => ({ id, name, bonusPoints, purchasesCount, ltv }));
    },
    async getCustomer(id) {
      return customers.find((c) => c.id === id) ?? null;
    },
  };
}
