import { z } from 'zod';

// Seeds an amoCRM account through its public API v4 only (as the proxy would write it), so the
// e2e tests depend on the emulator's contract, not on its internals.

const createdSchema = (entity: string) =>
  z.object({ _embedded: z.object({ [entity]: z.array(z.object({ id: z.number() })) }) });

export type SeededCustomer = { id: number; name: string };

export async function seedCustomers(baseUrl: string, token: string): Promise<SeededCustomer[]> {
  async function call(method: string, path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${baseUrl}/api/v4${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`seed ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }
  const ids = async (entity: string, method: string, path: string, body: unknown) =>
    (createdSchema(entity).parse(await call(method, path, body))._embedded[entity] ?? []).map((x) => x.id);

  await call('PATCH', '/customers/mode', { mode: 'segments', is_enabled: true });
  await ids('custom_fields', 'POST', '/customers/custom_fields', [
    { name: 'Бонусная карта', type: 'text', code: 'BONUS_CARD', sort: 500 },
    { name: 'Бонусные баллы', type: 'numeric', code: 'BONUS_POINTS', sort: 510 },
  ]);
  const people = [
    { name: 'Ирина Покупателева', card: '2000000123456', points: '534', phone: '+79121234567', price: 4990 },
    { name: 'Олег Кассиров', card: '2000000654321', points: '80', phone: '+79127654321', price: 1290 },
  ];
  const customerIds = await ids(
    'customers',
    'POST',
    '/customers',
    people.map((p) => ({
      name: p.name,
      custom_fields_values: [
        { field_code: 'BONUS_CARD', values: [{ value: p.card }] },
        { field_code: 'BONUS_POINTS', values: [{ value: p.points }] },
      ],
    })),
  );
  const contactIds = await ids(
    'contacts',
    'POST',
    '/contacts',
    people.map((p) => ({ name: p.name, custom_fields_values: [{ field_code: 'PHONE', values: [{ value: p.phone, enum_code: 'MOB' }] }] })),
  );
  for (const [index, person] of people.entries()) {
    const customerId = customerIds[index]!;
    await call('POST', `/customers/${customerId}/link`, [{ to_entity_id: contactIds[index], to_entity_type: 'contacts', metadata: { is_main: true } }]);
    await call('POST', `/customers/${customerId}/transactions?accrue_bonus=false`, [{ price: person.price, comment: 'Розничная продажа', completed_at: 1_773_300_000 }]);
    await call('POST', `/customers/${customerId}/notes`, [
      { note_type: 'extended_service_message', params: { service: 'МойСклад', text: `Покупка на ${person.price} ₽` } },
    ]);
  }
  return people.map((p, index) => ({ id: customerIds[index]!, name: p.name }));
}
