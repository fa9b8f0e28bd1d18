import { describe, expect, it } from 'vitest';
import { phoneDigits, searchBuyers, searchProducts } from './buyer-search.js';
import type { PosBuyer, PosFolder, PosProduct } from './pos-backend.js';

const buyer = (id: string, name: string, phone: string | null, card: string | null = null): PosBuyer => ({
  id, name, phone, email: null, discountCardNumber: card, bonusPoints: 0,
});

describe('searchBuyers', () => {
  const buyers = [
    buyer('1', 'Семёнов Пётр Ильич', '+79161234567', '2000000000017'),
    buyer('2', 'Семенова Анна Олеговна', '+7 (916) 765-43-21'),
    buyer('3', 'Иванов Иван Иванович', null, '2000000000024'),
  ];

  it('treats 8… and +7… as the same phone and matches parts of it', () => {
    expect(phoneDigits('8 (916) 123-45-67')).toBe('79161234567');
    expect(searchBuyers(buyers, '8 916 123-45-67', 10).map((b) => b.id)).toEqual(['1']);
    expect(searchBuyers(buyers, '765', 10).map((b) => b.id)).toEqual(['2']);
  });

  it('puts an exact card hit first and matches card prefixes', () => {
    expect(searchBuyers(buyers, '2000000000024', 10).map((b) => b.id)).toEqual(['3']);
    expect(searchBuyers(buyers, '2000000', 10).map((b) => b.id).sort()).toEqual(['1', '3']);
  });

  it('matches name words in any order, ignoring case and ё', () => {
    expect(searchBuyers(buyers, 'семенов', 10).map((b) => b.id)).toEqual(['1', '2']);
    expect(searchBuyers(buyers, 'анна семенова', 10).map((b) => b.id)).toEqual(['2']);
    expect(searchBuyers(buyers, 'петров', 10)).toEqual([]);
  });

  it('respects the limit and returns everyone for an empty query', () => {
    expect(searchBuyers(buyers, '', 2)).toHaveLength(2);
  });
});

describe('searchProducts', () => {
  const folders: PosFolder[] = [
    { id: 'f1', name: 'Фототовары', path: 'Фототовары', parentId: null },
    { id: 'f2', name: 'Камеры', path: 'Фототовары/Камеры', parentId: 'f1' },
    { id: 'f3', name: 'Фототовары и рамки', path: 'Фототовары и рамки', parentId: null },
  ];
  const product = (id: string, name: string, path: string): PosProduct => ({
    id, name, article: `A-${id}`, folderId: null, path, priceKopecks: 100,
  });
  const products = [
    product('1', 'Камера Canon', 'Фототовары/Камеры'),
    product('2', 'Штатив', 'Фототовары'),
    product('3', 'Рамка', 'Фототовары и рамки'),
  ];

  it('includes subfolders but not folders that merely share a prefix', () => {
    expect(searchProducts(products, folders, '', 'f1', 10).map((p) => p.id).sort()).toEqual(['1', '2']);
    expect(searchProducts(products, folders, '', 'f2', 10).map((p) => p.id)).toEqual(['1']);
    expect(searchProducts(products, folders, '', 'missing', 10)).toEqual([]);
  });

  it('matches name and article words', () => {
    expect(searchProducts(products, folders, 'canon', undefined, 10).map((p) => p.id)).toEqual(['1']);
    expect(searchProducts(products, folders, 'a-3', undefined, 10).map((p) => p.id)).toEqual(['3']);
  });
});
