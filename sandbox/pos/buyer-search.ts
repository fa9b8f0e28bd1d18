import type { PosBuyer, PosFolder, PosProduct } from './pos-backend.js';

/** Lower-cases and folds «ё» into «е», so «Семёнов» is found by «семенов». */
function foldText(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е').trim();
}

/** The phone's digits with a leading Russian trunk "8" turned into the country code "7". */
export function phoneDigits(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('8') ? `7${digits.slice(1)}` : digits;
}

/**
 * How a cashier looks a buyer up: by (part of) the phone in any format, by the card number, or by
 * words of the name in any order. Exact card and phone hits come first.
 */
export function searchBuyers(buyers: PosBuyer[], query: string, limit: number): PosBuyer[] {
  const text = foldText(query);
  if (!text) return buyers.slice(0, limit);
  const digits = phoneDigits(query);
  const onlyDigits = /^[\d\s()+\-]+$/.test(query.trim());
  const words = text.split(/\s+/);

  const scored: { buyer: PosBuyer; score: number }[] = [];
  for (const buyer of buyers) {
    let score = 0;
    if (onlyDigits && digits.length >= 3) {
      const card = buyer.discountCardNumber ?? '';
      const phone = buyer.phone ? phoneDigits(buyer.phone) : '';
      if (card === digits || (phone && phone === digits)) score = 3;
      else if (card.startsWith(digits)) score = 2;
      else if (phone.includes(digits)) score = 1;
    } else {
      const haystack = foldText(`${buyer.name} ${buyer.email ?? ''}`);
      if (words.every((w) => haystack.includes(w))) score = foldText(buyer.name).startsWith(words[0] ?? '') ? 2 : 1;
    }
    if (score > 0) scored.push({ buyer, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.buyer.name.localeCompare(b.buyer.name, 'ru'))
    .slice(0, limit)
    .map((s) => s.buyer);
}

/** Products in a group (including its subgroups) whose name or article contains every word of the query. */
export function searchProducts(products: PosProduct[], folders: PosFolder[], query: string, folderId: string | undefined, limit: number): PosProduct[] {
  const words = foldText(query).split(/\s+/).filter(Boolean);
  const folderPath = folderId ? folders.find((f) => f.id === folderId)?.path : undefined;
  if (folderId && folderPath === undefined) return [];
  return products
    .filter((p) => folderPath === undefined || p.path === folderPath || p.path.startsWith(`${folderPath}/`))
    .filter((p) => {
      const haystack = foldText(`${p.name} ${p.article ?? ''}`);
      return words.every((w) => haystack.includes(w));
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'ru'))
    .slice(0, limit);
}
