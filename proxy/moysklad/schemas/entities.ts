import { z } from 'zod';
import { metaArraySchema, metaSchema, moscowTimestamp, refSchema } from './common.js';

/** Money fields are kopecks typed as JSON floats ("346347237000.0" parses to a number either way). */
const kopecksNumber = z.number().finite();

export const counterpartySchema = z.looseObject({
  meta: metaSchema,
  id: z.string().min(1),
  name: z.string(),
  updated: moscowTimestamp,
  created: moscowTimestamp.optional(),
  companyType: z.string().optional(),
  externalCode: z.string().optional(),
  archived: z.boolean().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  discountCardNumber: z.string().optional(),
  tags: z.array(z.string()).optional(),
  legalFirstName: z.string().optional(),
  legalLastName: z.string().optional(),
  legalMiddleName: z.string().optional(),
  legalTitle: z.string().optional(),
  birthDate: moscowTimestamp.optional(),
  sex: z.string().optional(),
  bonusPoints: z.number().int().optional(),
  bonusProgram: refSchema.optional(),
  salesAmount: z.number().optional(),
  syncId: z.string().optional(),
});
export type Counterparty = z.infer<typeof counterpartySchema>;

export const priceTypeSchema = z.looseObject({
  meta: metaSchema.optional(),
  id: z.string(),
  name: z.string(),
  externalCode: z.string().optional(),
});
export type PriceType = z.infer<typeof priceTypeSchema>;

const salePriceSchema = z.looseObject({
  value: kopecksNumber,
  currency: refSchema.optional(),
  priceType: priceTypeSchema,
});

export const productSchema = z.looseObject({
  meta: metaSchema,
  id: z.string(),
  name: z.string(),
  updated: moscowTimestamp,
  description: z.string().optional(),
  code: z.string().optional(),
  article: z.string().optional(),
  externalCode: z.string().optional(),
  archived: z.boolean().optional(),
  pathName: z.string().optional(),
  productFolder: refSchema.optional(),
  salePrices: z.array(salePriceSchema).optional(),
  buyPrice: z.looseObject({ value: kopecksNumber }).optional(),
  variantsCount: z.number().int().optional(),
});
export type Product = z.infer<typeof productSchema>;

/** A product modification (md/dictionaries/_variant.md). `salePrices` already fall back to the product's per type. */
export const variantSchema = z.looseObject({
  meta: metaSchema,
  id: z.string(),
  name: z.string(),
  updated: moscowTimestamp,
  code: z.string().optional(),
  article: z.string().optional(),
  externalCode: z.string().optional(),
  archived: z.boolean().optional(),
  /** A reference, or the product itself with `expand=product`. */
  product: refSchema,
  characteristics: z.array(z.looseObject({ id: z.string(), name: z.string().optional(), value: z.string() })),
  salePrices: z.array(salePriceSchema).optional(),
});
export type Variant = z.infer<typeof variantSchema>;

export const productFolderSchema = z.looseObject({
  meta: metaSchema,
  id: z.string(),
  name: z.string(),
  updated: moscowTimestamp.optional(),
  pathName: z.string().optional(),
  archived: z.boolean().optional(),
  externalCode: z.string().optional(),
  productFolder: refSchema.optional(),
});
export type ProductFolder = z.infer<typeof productFolderSchema>;

/**
 * The assortment of a position may be expanded (then it has `name`) or be a bare reference. `meta.type` says what it
 * is: `product`, or `variant` (a modification), whose `product` names the product it belongs to.
 */
const assortmentSchema = z.looseObject({ meta: metaSchema, id: z.string().optional(), name: z.string().optional(), product: refSchema.optional() });

export const positionSchema = z.looseObject({
  id: z.string(),
  quantity: z.number().finite(),
  price: kopecksNumber,
  discount: z.number().finite().optional(),
  assortment: assortmentSchema,
});
export type Position = z.infer<typeof positionSchema>;

const retailDocumentShape = {
  meta: metaSchema,
  id: z.string(),
  name: z.string(),
  updated: moscowTimestamp,
  created: moscowTimestamp.optional(),
  moment: moscowTimestamp,
  applicable: z.boolean().optional(),
  sum: kopecksNumber,
  agent: z.looseObject({ meta: metaSchema, id: z.string().optional(), name: z.string().optional() }),
  retailStore: refSchema.optional(),
  retailShift: refSchema.optional(),
  externalCode: z.string().optional(),
  deleted: moscowTimestamp.optional(),
  positions: metaArraySchema(positionSchema).optional(),
  cashSum: kopecksNumber.optional(),
  noCashSum: kopecksNumber.optional(),
  qrSum: kopecksNumber.optional(),
};

export const retailDemandSchema = z.looseObject(retailDocumentShape);
export type RetailDemand = z.infer<typeof retailDemandSchema>;

/** A return references the sale it undoes through `demand` (when made from a sale). */
export const retailSalesReturnSchema = z.looseObject({ ...retailDocumentShape, demand: refSchema.optional() });
export type RetailSalesReturn = z.infer<typeof retailSalesReturnSchema>;

export const bonusTransactionSchema = z.looseObject({
  meta: metaSchema.optional(), // the documented (trimmed) create answer has none; we only read `id`
  id: z.string(),
  transactionType: z.enum(['EARNING', 'SPENDING']),
  transactionStatus: z.enum(['WAIT_PROCESSING', 'COMPLETED', 'CANCELED']).optional(),
  bonusValue: z.number().int(),
  agent: refSchema.optional(),
  bonusProgram: refSchema.optional(),
  parentDocument: refSchema.optional(),
  externalCode: z.string().optional(),
  moment: moscowTimestamp.optional(),
  executionDate: moscowTimestamp.optional(),
  categoryType: z.string().optional(),
  applicable: z.boolean().optional(),
  updated: moscowTimestamp.optional(),
  created: moscowTimestamp.optional(),
  description: z.string().optional(),
});
export type BonusTransaction = z.infer<typeof bonusTransactionSchema>;

export const bonusProgramSchema = z.looseObject({
  meta: metaSchema,
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  allAgents: z.boolean().optional(),
  agentTags: z.array(z.string()).optional(),
  // Direction of the two rates is unconfirmed (https://dev.moysklad.ru/doc/api/remap/1.2/#/dictionaries/bonus-program says only "Курс начисления" / "Курс списания"); read them as plain ints.
  earnRateRoublesToPoint: z.number().int().optional(),
  spendRatePointsToRouble: z.number().int().optional(),
  maxPaidRatePercents: z.number().int().optional(),
  welcomeBonusesEnabled: z.boolean().optional(),
  welcomeBonusesValue: z.number().int().optional(),
  welcomeBonusesMode: z.string().optional(),
  postponedBonusesDelayDays: z.number().int().optional(),
  earnWhileRedeeming: z.boolean().optional(),
});
export type BonusProgram = z.infer<typeof bonusProgramSchema>;

export const webhookSchema = z.looseObject({
  meta: metaSchema.optional(),
  id: z.string(),
  url: z.string(),
  action: z.enum(['CREATE', 'UPDATE', 'DELETE', 'PROCESSED']),
  entityType: z.string(),
  enabled: z.boolean().optional(),
  method: z.string().optional(),
  diffType: z.enum(['NONE', 'FIELDS']).optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const employeeContextSchema = z.looseObject({
  meta: metaSchema,
  id: z.string(),
  accountId: z.string(),
  name: z.string().optional(),
  uid: z.string().optional(),
  email: z.string().optional(),
});
export type EmployeeContext = z.infer<typeof employeeContextSchema>;

export const tokenResponseSchema = z.looseObject({ access_token: z.string().min(1) });

/** Answer of bulk delete: one `{info}` per deleted object, or `{errors}` for items that failed. */
export const bulkDeleteResultSchema = z.array(z.looseObject({ info: z.string().optional(), errors: z.array(z.unknown()).optional() }));
