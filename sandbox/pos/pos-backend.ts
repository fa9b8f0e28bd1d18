/**
 * What the till page needs from a МойСклад account. The router depends on this interface only;
 * `emulator-backend.ts` implements it on top of the in-process MoySkladEmulator.
 * Money is integer kopecks everywhere.
 */

export interface PosBuyer {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  discountCardNumber: string | null;
  bonusPoints: number;
}

export interface PosFolder {
  id: string;
  name: string;
  /** Full path, e.g. "Фототовары/Камеры". */
  path: string;
  parentId: string | null;
}

export interface PosProduct {
  id: string;
  name: string;
  article: string | null;
  folderId: string | null;
  /** Full folder path, "" when the product has no group. */
  path: string;
  /** «Цена продажи», kopecks. */
  priceKopecks: number;
}

export interface PosProgram {
  name: string;
  earnRateRoublesToPoint: number;
  spendRatePointsToRouble: number;
  maxPaidRatePercents: number;
  earnWhileRedeeming: boolean;
}

export interface PosSaleLine {
  productId: string;
  name: string;
  quantity: number;
  priceKopecks: number;
}

export interface PosSale {
  id: string;
  number: string;
  /** MSK "YYYY-MM-DD HH:mm:ss.SSS". */
  moment: string;
  buyer: { id: string; name: string } | null;
  sumKopecks: number;
  pointsSpent: number;
  pointsEarned: number;
  returned: boolean;
  lines: PosSaleLine[];
}

export interface PosReceipt extends PosSale {
  /** The buyer's balance right after the sale. */
  newBalance: number;
  /** Money the buyer paid (sum minus what the points covered). */
  paidKopecks: number;
}

export interface PosReturnResult {
  returnId: string;
  returnNumber: string;
  saleId: string;
  sumKopecks: number;
  newBalance: number | null;
}

export type NewBuyer = { name: string; phone: string; discountCardNumber?: string };

export interface PosSaleInput {
  buyer: { id: string } | NewBuyer;
  positions: { productId: string; quantity: number }[];
  payWithPoints: number;
}

export interface PosBackend {
  /** Individual counterparties only: legal entities and ИП never buy at this till. */
  listBuyers(): PosBuyer[];
  getBuyer(id: string): PosBuyer | undefined;
  listFolders(): PosFolder[];
  /** Not archived products with their retail price. */
  listProducts(): PosProduct[];
  /** The active bonus program, or null when points are switched off. */
  activeProgram(): PosProgram | null;
  /** Newest first. */
  recentSales(limit: number): PosSale[];
  /** Completes a sale exactly as the till app would (the emulator records it and fires webhooks). */
  sell(input: PosSaleInput): Promise<PosReceipt>;
  returnSale(saleId: string): Promise<PosReturnResult>;
}

/** A refusal the cashier should read (bad input, unknown buyer, too many points…). */
export class PosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PosError';
  }
}
