import { describe, expect, it } from 'vitest';
import { referenceBlocks as ref } from '../test-support/reference-examples.js';
import { MoySkladValidationError } from '../errors.js';
import { collectionMetaSchema, errorBodySchema, idFromHref, listEnvelopeSchema } from './common.js';
import {
  bonusProgramSchema,
  bonusTransactionSchema,
  counterpartySchema,
  positionSchema,
  productSchema,
  retailDemandSchema,
  tokenResponseSchema,
  webhookSchema,
  bulkDeleteResultSchema,
  variantSchema,
} from './entities.js';
import { mskDocsExamples } from './msk-docs-examples.js';
import { webhookPayloadSchema } from './events.js';

/** Minimal documented unwrapping: drop a leading "POST /path" line; wrap a `"key": {...}` fragment in braces. */
function parseExample(text: string): unknown {
  const withoutRequestLine = text.replace(/^(GET|POST|PUT|PATCH|DELETE) \S+\n/, '');
  const trimmed = withoutRequestLine.trim();
  return JSON.parse(trimmed.startsWith('"') ? `{${trimmed}}` : trimmed);
}

describe('МойСклад schemas accept every documented example verbatim', () => {
  it('list meta', () => {
    const { meta } = parseExample(ref.listMetaFragment) as { meta: unknown };
    const parsed = collectionMetaSchema.parse(meta);
    expect(parsed).toMatchObject({ size: 4, limit: 1000, offset: 0 });
    expect(parsed.nextHref).toBeUndefined(); // only present when size > limit
    expect(listEnvelopeSchema(counterpartySchema).parse({ meta, rows: [] }).rows).toEqual([]);
  });

  it('error body', () => {
    const body = errorBodySchema.parse(parseExample(ref.errorBody));
    expect(body.errors[0]).toMatchObject({ code: 3000, parameter: 'name', line: 1, column: 2 });
  });

  it('counterparty: create response, list-row bonus fields, and the create request fields', () => {
    const created = counterpartySchema.parse(parseExample(ref.createIndividualResponse));
    expect(created).toMatchObject({ id: '23f049f3-3ad1-11ee-ac13-000c00000000', companyType: 'individual', legalTitle: 'Петров Петр Петрович' });
    expect(created.meta.uuidHref).toContain('online.moysklad.ru');
    const bonusRow = counterpartySchema.parse({ ...(parseExample(ref.createIndividualResponse) as object), ...(parseExample(ref.counterpartyBonusFragment) as object) });
    expect(bonusRow.bonusPoints).toBe(0);
    expect(idFromHref(bonusRow.bonusProgram!.meta.href)).toBe('129626ee-ac91-11e9-ac12-000d00000009');
    expect(parseExample(ref.createIndividualRequest)).toMatchObject({ companyType: 'individual', birthDate: '1953-11-01 00:00:00.000' });
  });

  it('product with float kopecks and a price type', () => {
    const product = productSchema.parse(parseExample(ref.product));
    expect(product.salePrices?.[0]?.value).toBe(346347237000);
    expect(product.salePrices?.[0]?.priceType.name).toBe('Цена продажи');
    expect(product.buyPrice?.value).toBe(23553000);
  });

  it('retail demand and a position row', () => {
    const demand = retailDemandSchema.parse(parseExample(ref.retailDemand));
    expect(demand).toMatchObject({ name: '00002', sum: 1800, noCashSum: 1800 });
    expect(demand.positions?.meta.size).toBe(4);
    expect(demand.positions?.rows).toBeUndefined();
    const position = positionSchema.parse(parseExample(ref.positionRow));
    expect(position).toMatchObject({ quantity: 17, price: 300 });
  });

  it('bonus transaction request shape, trimmed create answer, bonus program', () => {
    const request = parseExample(ref.createBonusTransactionRequest) as Record<string, unknown>;
    expect(request).toMatchObject({ transactionType: 'EARNING', bonusValue: 15 });
    // The doc's trimmed answer (inline in §4.5), re-assembled without the "…" elisions.
    const answer = bonusTransactionSchema.parse({ id: '7c6ecd51-…', moment: '2018-09-13 12:36:00', applicable: true, bonusValue: 15, transactionType: 'EARNING', transactionStatus: 'COMPLETED', executionDate: '2018-09-13 12:36:26', categoryType: 'REGULAR' });
    expect(answer.transactionStatus).toBe('COMPLETED');
    const program = bonusProgramSchema.parse(parseExample(ref.bonusProgram));
    expect(program).toMatchObject({ active: false, earnRateRoublesToPoint: 7, spendRatePointsToRouble: 4, maxPaidRatePercents: 50 });
  });

  it('webhook create request/answer and the webhook payload', () => {
    const request = parseExample(ref.createWebhookRequest) as Record<string, unknown>;
    const answer = webhookSchema.parse({ id: 'w1', accountId: 'a1', entityType: request.entityType, url: request.url, method: 'POST', enabled: true, action: request.action, diffType: request.diffType });
    expect(answer.diffType).toBe('FIELDS');
    const payload = webhookPayloadSchema.parse(parseExample(ref.webhookPayload));
    expect(payload.events[0]).toMatchObject({ action: 'UPDATE', updatedFields: ['name', 'description'] });
    expect(idFromHref(payload.events[0]!.meta.href)).toBe('75c896d0-db16-11eb-c0a8-800d00000002');
  });

  it('token answer and bulk delete answer (inline examples of §1 and §7)', () => {
    expect(tokenResponseSchema.parse({ access_token: '0cbfc512618efa7d5fa306250bca064c1169b37c' }).access_token).toHaveLength(40);
    expect(bulkDeleteResultSchema.parse([{ info: "Сущность 'product' с UUID: 1 успешно удалена" }])).toHaveLength(1);
  });

  it('rejects what we read when it is wrong, with the offending path', () => {
    const bad = { ...(parseExample(ref.product) as Record<string, unknown>), salePrices: [{ value: 'a lot', priceType: { id: 'x', name: 'y' } }] };
    const result = productSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const error = new MoySkladValidationError('bad', { issues: result.error!.issues });
    expect(error.path).toBe('salePrices.0.value');
    expect(counterpartySchema.safeParse({ ...(parseExample(ref.createIndividualResponse) as object), updated: '2023-08-14T21:34:00Z' }).success).toBe(false);
    expect(webhookPayloadSchema.safeParse({ events: [] }).success).toBe(false);
  });
});

describe('modifications and the assortment as md/dictionaries/_variant.md and _assortment.md print them', () => {
  const docs = (key: keyof typeof mskDocsExamples) => JSON.parse(mskDocsExamples[key]) as { rows?: unknown[] } & Record<string, unknown>;

  it('variant list and single variant', () => {
    const [row] = listEnvelopeSchema(variantSchema).parse(docs('variantList')).rows;
    expect(row).toMatchObject({ name: 'ТоварМногоМодификаций (1, 100, 10)', product: { meta: { type: 'product' } } });
    expect(row!.characteristics.map((c) => [c.name, c.value])).toEqual([['Цвет', 'красны'], ['Свежесть', 'Свежий'], ['Вкус', 'Вкусный']]);
    expect(variantSchema.parse(docs('variant')).characteristics.length).toBeGreaterThan(0);
    expect(() => variantSchema.parse({ ...docs('variant'), characteristics: [{ name: 'Цвет' }] })).toThrow(); // value is what we read
  });

  it('assortment rows of type product parse as products', () => {
    const rows = docs('assortmentList').rows as Array<{ meta: { type: string } }>;
    const products = rows.filter((r) => r.meta.type === 'product');
    expect(products.length).toBeGreaterThan(0);
    for (const row of products) expect(productSchema.parse(row).id).toEqual(expect.any(String));
  });
});
