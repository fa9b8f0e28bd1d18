import { describe, expect, it } from 'vitest';
import { counterpartySchema, productFolderSchema, productSchema } from '../../moysklad/schemas/entities.js';
import { remainingItems, returnedQuantities } from '../../db/repositories/read-model.js';
import { AMO_LIMITS, fitPrice, fitText, fitWithMarker } from './amo-limits.js';
import { buyerSnapshot, contactFields, customerFieldValues, customerPayload, cutValuesNoteText, isSyncableBuyer, normalizePhone, valuesCut } from './buyer.js';
import { folderPath, productElement, productPriceKopecks, roublesText } from './product.js';
import { moscowDisplay, returnNoteText, saleNoteText, transactionPayload } from './sale.js';

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

  it('picks the configured price type (else «Цена продажи» while none is chosen) and keeps kopecks exact', () => {
    expect(productPriceKopecks(product, null)).toBe(799050);
    expect(productPriceKopecks(product, 't2')).toBe(700000);
    expect(roublesText(799050)).toBe('7990.50');
    expect(roublesText(700000)).toBe('7000');
  });

  it('has no price when the chosen type is unset (МойСклад shows 0) or gone, never another type\'s and never 0', () => {
    const unset = productSchema.parse({ ...product, salePrices: [{ value: 799050, priceType: priceType('t1', 'Цена продажи') }, { value: 0, priceType: priceType('t2', 'Оптовая цена') }] });
    expect(productPriceKopecks(unset, 't2')).toBeNull();
    expect(productPriceKopecks(product, 'deleted-type')).toBeNull();
    const element = productElement({ product: unset, priceTypeId: 't2', fieldIds: { PRICE: 3 }, groupEnumId: null });
    expect(element.custom_fields_values.find((f) => 'field_id' in f && f.field_id === 3)).toEqual({ field_id: 3, values: null });
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

describe('amoCRM limits', () => {
  it('shortens text to the limit with an ellipsis, never splitting a character, and says so', () => {
    expect(fitText('Иван', 255)).toEqual({ value: 'Иван', cut: false });
    const long = 'Я'.repeat(300);
    const fitted = fitText(long, 255);
    expect([fitted.value.length, fitted.cut, fitted.value.endsWith('…')]).toEqual([255, true, true]);
    const emoji = `${'a'.repeat(253)}😀😀`;
    expect(fitText(emoji, 255).value).toBe(`${'a'.repeat(253)}…`);
  });

  it('keeps the marker of a shortened note whole and caps an int price', () => {
    const text = fitWithMarker('x'.repeat(70_000), 'МойСклад: d1');
    expect(text.length).toBe(AMO_LIMITS.noteText);
    expect(text.endsWith('…\nМойСклад: d1')).toBe(true);
    expect(fitWithMarker('short', 'МойСклад: d1')).toBe('short\nМойСклад: d1');
    expect(fitPrice(3_000_000_000)).toBe(AMO_LIMITS.int);
    expect(fitPrice(5)).toBe(5);
  });

  it('fits a buyer to amoCRM and lists what was cut for the note', () => {
    const name = `Очень ${'длинное '.repeat(40)}имя`;
    const buyer = buyerSnapshot(counterparty({ companyType: 'individual', name, email: `${'a'.repeat(260)}@example.com`, legalFirstName: 'Анна' }));
    expect(customerPayload(buyer).name.length).toBeLessThanOrEqual(AMO_LIMITS.name);
    expect(customerPayload(buyer).name).toMatch(/^Очень длинное .*…$/);
    expect(contactFields(buyer).name).toBe(customerPayload(buyer).name);
    expect(contactFields(buyer).custom_fields_values).toEqual([]); // a cut e-mail would be a wrong address
    expect(valuesCut(buyer)).toEqual([{ label: 'Имя', full: name }, { label: 'E-mail', full: buyer.email }]);
    const note = cutValuesNoteText(valuesCut(buyer), 'МойСклад: c1:full:abc');
    expect(note).toContain(`Имя: ${name}`);
    expect(note.endsWith('МойСклад: c1:full:abc')).toBe(true);
    expect(valuesCut(buyerSnapshot(counterparty({ companyType: 'individual' })))).toEqual([]);
  });
});

describe('returns', () => {
  it('spreads returned quantities over the sale lines of an item first to last', () => {
    const items = [{ assortmentId: 'a', quantity: 2 }, { assortmentId: 'b', quantity: 1 }, { assortmentId: 'a', quantity: 1 }, { assortmentId: null, quantity: 1 }];
    expect(returnedQuantities(items, [{ lines: [{ assortmentId: 'a', quantity: 1 }] }, { lines: [{ assortmentId: 'a', quantity: 1.5 }, { assortmentId: 'x', quantity: 1 }] }])).toEqual([2, 0, 0.5, 0]);
    expect(remainingItems([{ quantity: 2, returnedQuantity: 2 }, { quantity: 1.25, returnedQuantity: 0.5 }])).toEqual([{ quantity: 0.75, returnedQuantity: 0.5 }]);
  });

  it('writes a return note with the lines, the points taken and given back, and what is left', () => {
    const sale = { moyskladId: 'd1', number: '00123', moment: '2026-03-12 14:05:00.000' };
    const text = returnNoteText(sale, { moyskladId: 'r1', number: '7', sumKopecks: 179700, lines: [{ name: 'Штатив', quantity: 1, priceKopecks: 179700 }], pointsTakenBack: 18, pointsGivenBack: 5, remainingKopecks: 11375 });
    expect(text).toContain('Возврат №7 по розничной продаже №00123 от 12.03.2026 14:05 на сумму');
    expect(text).toContain('Возвращены товары: Штатив — 1 ×');
    expect(text).toContain('Списано баллов, начисленных за покупку: 18, возвращено баллов, потраченных на покупку: 5.');
    expect(text).toMatch(/По продаже осталось 113,75\s₽\./);
    expect(text.endsWith('МойСклад: d1:return:r1')).toBe(true);
    expect(returnNoteText(sale, { moyskladId: 'r2', number: '8', sumKopecks: 100, lines: [], pointsTakenBack: 0, pointsGivenBack: 0, remainingKopecks: null })).toContain('Баллы не менялись.\nПродажа возвращена полностью.');
  });
});
