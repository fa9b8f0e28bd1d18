/**
 * Plain МойСклад JSON API 1.2 shapes produced by the seed (the subset the sandbox needs).
 * Money is integer kopecks; timestamps are MSK strings "YYYY-MM-DD HH:mm:ss.SSS".
 */

export interface Meta {
  href: string;
  metadataHref?: string;
  type: string;
  mediaType: 'application/json';
  uuidHref?: string;
}

export interface MetaRef {
  meta: Meta;
}

export type CompanyType = 'individual' | 'legal' | 'entrepreneur';

/** What every seeded counterparty and document has (an entity created by a user of the account). */
export interface SeedEntity {
  meta: Meta;
  id: string;
  accountId: string;
  created: string;
  updated: string;
  name: string;
  externalCode: string;
}

export interface SeedCounterparty extends SeedEntity {
  code?: string;
  archived: boolean;
  companyType: CompanyType;
  legalTitle?: string;
  legalFirstName?: string;
  legalLastName?: string;
  legalMiddleName?: string;
  sex?: 'MALE' | 'FEMALE';
  birthDate?: string;
  inn?: string;
  kpp?: string;
  ogrn?: string;
  ogrnip?: string;
  legalAddress?: string;
  phone?: string;
  email?: string;
  discountCardNumber?: string;
  tags: string[];
  /** Balance under the active bonus program = Σ EARNING − Σ SPENDING of this buyer. */
  bonusPoints: number;
  bonusProgram?: MetaRef;
  /** Kopecks (unit unconfirmed in the docs; kopecks like every other money field). */
  salesAmount: number;
}

export interface SeedProductFolder {
  meta: Meta;
  id: string;
  accountId: string;
  updated: string;
  name: string;
  externalCode: string;
  archived: boolean;
  /** Path of the PARENT folder ("" for a root folder), like the real API. */
  pathName: string;
  productFolder?: MetaRef;
}

export interface SeedPriceType {
  meta: Meta;
  id: string;
  name: string;
  externalCode: string;
}

export interface SeedSalePrice {
  value: number;
  currency: MetaRef;
  priceType: SeedPriceType;
}

export interface SeedProduct {
  meta: Meta;
  id: string;
  accountId: string;
  updated: string;
  name: string;
  description: string;
  code: string;
  externalCode: string;
  archived: boolean;
  article: string;
  /** Full path of the product's folder, e.g. "Фототовары/Камеры" ("/" separator is unconfirmed). */
  pathName: string;
  productFolder: MetaRef;
  salePrices: SeedSalePrice[];
  buyPrice: { value: number; currency: MetaRef };
}

/** A product modification; `salePrices` only when it has its own (else the product's apply). */
export interface SeedVariant {
  meta: Meta;
  id: string;
  accountId: string;
  updated: string;
  name: string;
  code: string;
  externalCode: string;
  archived: boolean;
  article: string;
  /** By name: the emulator's loader creates the account's characteristics from them. */
  characteristics: Array<{ name: string; value: string }>;
  product: MetaRef;
  salePrices?: SeedSalePrice[];
}

export interface SeedBonusProgram {
  meta: Meta;
  id: string;
  accountId: string;
  name: string;
  active: boolean;
  allAgents: boolean;
  agentTags: string[];
  allProducts: boolean;
  /** Semantics unconfirmed; the sandbox reads it as "roubles paid per 1 earned point". */
  earnRateRoublesToPoint: number;
  /** Semantics unconfirmed; the sandbox reads it as "points per 1 rouble of discount". */
  spendRatePointsToRouble: number;
  maxPaidRatePercents: number;
  earnWhileRedeeming: boolean;
  welcomeBonusesEnabled: boolean;
  welcomeBonusesValue: number;
  welcomeBonusesMode: 'REGISTRATION' | 'FIRST_PURCHASE';
}

export interface SeedPosition {
  meta: Meta;
  id: string;
  accountId: string;
  quantity: number;
  /** Kopecks per unit. */
  price: number;
  discount: number;
  vat: number;
  vatEnabled: boolean;
  assortment: MetaRef;
}

/** The fields every МойСклад document shares (retail sale, bonus transaction, …). */
export interface SeedDocument extends SeedEntity {
  moment: string;
  applicable: boolean;
}

export interface SeedRetailDemand extends SeedDocument {
  /** Σ price × quantity over positions, kopecks. */
  sum: number;
  /** Money actually paid (kopecks); sum − (cashSum + noCashSum) was paid with points. */
  cashSum: number;
  noCashSum: number;
  qrSum: number;
  vatEnabled: boolean;
  agent: MetaRef;
  organization: MetaRef;
  store: MetaRef;
  retailStore: MetaRef;
  retailShift: MetaRef;
  positions: { meta: Meta & { size: number; limit: number; offset: number }; rows: SeedPosition[] };
}

export interface SeedBonusTransaction extends SeedDocument {
  executionDate: string;
  agent: MetaRef;
  bonusProgram: MetaRef;
  parentDocument?: MetaRef;
  transactionType: 'EARNING' | 'SPENDING';
  transactionStatus: 'COMPLETED';
  categoryType: 'REGULAR' | 'WELCOME';
  bonusValue: number;
}

/** A reference entity as the seed keeps it: its meta, id and name. */
export interface SeedNamedEntity {
  meta: Meta;
  id: string;
  name: string;
}

/** Supporting references the documents point to (organization, store, retail point, shift, currency). */
export interface SeedReferences {
  accountId: string;
  organization: SeedNamedEntity;
  store: SeedNamedEntity;
  retailStore: SeedNamedEntity;
  retailShift: SeedNamedEntity;
  currency: SeedNamedEntity & { isoCode: 'RUB' };
  /** Id of «Розничный покупатель», the default retail counterparty (legal; must never sync). */
  retailCustomerId: string;
}

export interface Seed {
  references: SeedReferences;
  pricetypes: SeedPriceType[];
  productfolders: SeedProductFolder[];
  products: SeedProduct[];
  variants: SeedVariant[];
  counterparties: SeedCounterparty[];
  bonusprograms: SeedBonusProgram[];
  retaildemands: SeedRetailDemand[];
  bonustransactions: SeedBonusTransaction[];
}
