import { describe, expect, it } from 'vitest';
import { counterpartySchema, productFolderSchema, productSchema } from '../../moysklad/schemas/entities.js';
import { buyerSnapshot, contactFields, customerFieldValues, isSyncableBuyer, normalizePhone } from './buyer.js';
import { folderPath, productElement, productPriceKopecks, roublesText } from './product.js';
import { moscowDisplay, saleNoteText, transactionPayload } from './sale.js';

const base = 'https://api.moysklad.ru/api/remap/1.2';
const meta = (type: string, id: string) => ({ href: `${base}/entity/${type}/${id}`, type, mediaType: 'application/json' });

function counterparty(fields: Record<string, unknown>) {
  return counterpartySchema.parse({ meta: meta('counterparty', 'c1'), id: 'c1', name: 'Петров Пётр', updated: '2026-03-12 14:05:00.000', ...fields });
}

describe('buyer mapping', () => {
  it('syncs individuals (and KZ/UZ variants) only, never legal entities, entrepreneurs or «Розничный покупатель»', () => {
    expect(isSyncableBuyer(counterparty({ companyType: 'individual' }))).toBe(true);
    expect(isSyncableBuyer(counterparty({ companyType: 'individualKZ' }))).toBe(true);
    expect(isSyncableBuyer(counterparty({ companyType: 'legal' }))).toBe(false);
    expect(isSyncableBuyer(counterparty({ companyType: 'entrepreneur' }))).toBe(false);
    expect(isSyncableBuyer(counterparty({}))).toBe(false);
    expect(isSyncableBuyer(counterparty({ companyType: 'individual', name: 'Розничный покупатель' }))).toBe(false);
  });

  it('normalizes phones typed at the till to one form', () => {
    expect(normalizePhone('8 (912) 123-45-67')).toBe('+79121234567');
    expect(normalizePhone('+7 912 1234567')).toBe('+79121234567');
    expect(normalizePhone('9121234567')).toBe('+79121234567');
    expect(normalizePhone('+375 29 123 45 67')).toBe('+375291234567');
    expect(normalizePhone('12')).toBeNull();
    expect(normalizePhone(undefined)).toBeNull();
  });

  it('maps card, points and contact fields', () => {
    const buyer = buyerSnapshot(counterparty({ companyType: 'individual', phone: '89121234567', email: ' Ivan@Example.com ', discountCardNumber: '2000000123456', bonusPoints: 534, legalFirstName: 'Пётр', legalLastName: 'Петров' }));
    expect(customerFieldValues(buyer)).toEqual([
      { field_code: 'BONUS_CARD', values: [{ value: '2000000123456' }] },
      { field_code: 'BONUS_POINTS', values: [{ value: '534' }] },
    ]);
    expect(contactFields(buyer)).toEqual({
      name: 'Петров Пётр', first_name: 'Пётр', last_name: 'Петров',
      custom_fields_values: [
        { field_code: 'PHONE', values: [{ value: '+79121234567', enum_code: 'MOB' }] },
        { field_code: 'EMAIL', values: [{ value: 'ivan@example.com', enum_code: 'WORK' }] },
      ],
    });
    expect(customerFieldValues({ bonusCard: null, points: 0 })[0]).toEqual({ field_code: 'BONUS_CARD', values: null });
  });
});

describe('product mapping', () => {
  const priceType = (id: string, name: string) => ({ meta: meta('pricetype', id), id, name });
  const product = productSchema.parse({
    meta: meta('product', 'p1'), id: 'p1', name: 'Камера X', updated: '2026-03-12 14:05:00.000', article: 'CAM-1', description: 'Беззеркальная',
    salePrices: [{ value: 799050.0, priceType: priceType('t1', 'Цена продажи') }, { value: 700000.0, priceType: priceType('t2', 'Оптовая цена') }],
  });

  it('picks the configured price type, else «Цена продажи», and keeps kopecks exact', () => {
    expect(productPriceKopecks(product, null)).toBe(799050);
    expect(productPriceKopecks(product, 't2')).toBe(700000);
    expect(productPriceKopecks(product, 'unknown')).toBe(799050);
    expect(roublesText(799050)).toBe('7990.50');
    expect(roublesText(700000)).toBe('7000');
  });

  it('builds the element with field ids where known and codes otherwise', () => {
    const element = productElement({ product, priceTypeId: null, fieldIds: { SKU: 1, PRICE: 3, EXTERNAL_ID: 5 }, groupEnumId: 42 });
    expect(element).toEqual({
      name: 'Камера X',
      custom_fields_values: [
        { field_id: 1, values: [{ value: 'CAM-1' }] },
        { field_code: 'DESCRIPTION', values: [{ value: 'Беззеркальная' }] },
        { field_id: 3, values: [{ value: '7990.50' }] },
        { field_code: 'GROUP', values: [{ enum_id: 42 }] },
        { field_id: 5, values: [{ value: 'p1' }] },
      ],
    });
  });

  it('resolves nested folder paths through parent references', () => {
    const folder = (id: string, name: string, parent?: string, pathName?: string) =>
      productFolderSchema.parse({ meta: meta('productfolder', id), id, name, ...(parent ? { productFolder: { meta: meta('productfolder', parent) } } : {}), ...(pathName ? { pathName } : {}) });
    const folders = new Map([
      ['f1', folder('f1', 'Фототовары')],
      ['f2', folder('f2', 'Камеры', 'f1', 'Фототовары')],
      ['f3', folder('f3', 'Зеркальные', 'f2', 'Фототовары/Камеры')],
      ['f4', folder('f4', 'Сироты', 'missing', 'Где-то/Там')],
    ]);
    expect(folderPath('f3', folders)).toEqual(['Фототовары', 'Камеры', 'Зеркальные']);
    expect(folderPath('f4', folders)).toEqual(['Где-то', 'Там', 'Сироты']);
    expect(folderPath('nope', folders)).toEqual([]);
  });
});

describe('sale mapping', () => {
  const sale = {
    moyskladId: 'd1', number: '00123', moment: '2026-03-12 14:05:00.000', sumKopecks: 799050 + 2 * 49500,
    lines: [
      { name: 'Камера X', quantity: 1, priceKopecks: 799050, catalogElementId: 11 },
      { name: 'Ремешок', quantity: 2, priceKopecks: 49500, catalogElementId: null },
    ],
    pointsEarned: 80, pointsSpent: 10,
  };

  it('writes a note with number, Moscow date, sum, products and points', () => {
    const text = saleNoteText(sale);
    expect(moscowDisplay(sale.moment)).toBe('12.03.2026 14:05');
    expect(text).toContain('Розничная продажа №00123 от 12.03.2026 14:05');
    expect(text).toMatch(/8\s980,50\s₽/);
    expect(text).toContain('Камера X — 1 ×');
    expect(text).toContain('Ремешок — 2 ×');
    expect(text).toContain('\nСписано баллов: 10, начислено баллов: 80.');
    expect(text).toContain('МойСклад: d1');
  });

  it('makes a transaction in whole roubles at the sale moment (MSK → Unix) with catalog elements', () => {
    const payload = transactionPayload(sale, 7);
    expect(payload.price).toBe(8981); // 8 980,50 ₽ rounds half away from zero
    expect(payload.completed_at).toBe(Date.UTC(2026, 2, 12, 11, 5) / 1000);
    expect(payload._embedded?.catalog_elements).toEqual([{ id: 11, metadata: { catalog_id: 7, quantity: 1 } }]);
    expect(payload.request_id).toBe('d1');
  });
});
